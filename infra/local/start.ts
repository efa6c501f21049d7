/**
 * `npm start`: everything Edgeflow needs, locally, with nothing to configure. Local D1 (SQLite
 * files under EDGEFLOW_STATE_DIR) gets its migrations applied, an S3-compatible server on a free
 * loopback port holds the artifact bucket (EDGEFLOW_STATE_DIR/s3), then the tracking worker runs
 * in workerd on 127.0.0.1:$PORT (default 5000, MLflow's port) serving the API and the web UI, and
 * the inference worker beside it on 127.0.0.1:$INFERENCE_PORT (default 5001), on the same database
 * and bucket. The UI is rebuilt first when packages/ui changed (stack.ts).
 */
import { resolve } from "node:path";
import { portFromEnv } from "./ports";
import { startLocalStack } from "./stack";
import { projectRoot } from "./wrangler";

const stateDir = resolve(projectRoot, process.env.EDGEFLOW_STATE_DIR || ".edgeflow");
const stack = await startLocalStack({
  stateDir,
  port: await portFromEnv("PORT", 5000),
  inferencePort: await portFromEnv("INFERENCE_PORT", 5001),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const { tracking, inference, s3 } = stack;
console.log(`\nEdgeflow is running (state in ${stateDir}):`);
console.log(`  web UI         ${tracking.url}/`);
console.log(`  tracking API   ${tracking.url}   (export MLFLOW_TRACKING_URI=${tracking.url})`);
console.log(
  `  inference      ${inference.url}   (/models/<name>/<version>/invocations, /models/<name>@<alias>/...)`,
);
console.log(`  artifact S3    ${s3.endpoint}   (bucket ${s3.bucket})`);
console.log(`  auth           ${stack.authSummary}`);
console.log("Press Ctrl+C to stop.\n");
