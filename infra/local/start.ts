/**
 * `npm start`: everything Edgeflow needs, locally, with nothing to configure. Local D1 (SQLite
 * files under EDGEFLOW_STATE_DIR) gets its migrations applied, an S3-compatible server on a free
 * loopback port holds the artifact bucket (EDGEFLOW_STATE_DIR/s3), then the tracking worker runs
 * in workerd on 127.0.0.1:$PORT (default 5000, MLflow's port), and the inference worker beside it on
 * 127.0.0.1:$INFERENCE_PORT (default 5001), on the same database and bucket.
 */
import { resolve } from "node:path";
import { localAuthVars } from "./auth-vars";
import { portFromEnv } from "./ports";
import { localS3Vars, startLocalS3 } from "./s3-server";
import { startLocalWorker } from "./worker-runtime";
import { projectRoot, runWrangler } from "./wrangler";

const stateDir = resolve(projectRoot, process.env.EDGEFLOW_STATE_DIR || ".edgeflow");
const persistTo = resolve(stateDir, "wrangler");
const port = await portFromEnv("PORT", 5000);
const inferencePort = await portFromEnv("INFERENCE_PORT", 5001);
// Off unless EDGEFLOW_AUTH=on (wrangler.toml has it on for deployed workers).
const auth = localAuthVars();

await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
const s3 = await startLocalS3(resolve(stateDir, "s3"));
const tracking = await startLocalWorker({
  configPath: "wrangler.toml",
  outdir: resolve(stateDir, "build", "tracking"),
  persistTo,
  port,
  vars: { ...localS3Vars(s3), ...auth.vars },
});
const inference = await startLocalWorker({
  configPath: "workers/inference/wrangler.toml",
  outdir: resolve(stateDir, "build", "inference"),
  persistTo,
  port: inferencePort,
  vars: { ...localS3Vars(s3), ...auth.vars },
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([tracking.dispose(), inference.dispose(), s3.close()]);
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

console.log(`\nEdgeflow is running (state in ${stateDir}):`);
console.log(`  tracking API   ${tracking.url}   (export MLFLOW_TRACKING_URI=${tracking.url})`);
console.log(
  `  inference      ${inference.url}   (/models/<name>/<version>/invocations, /models/<name>@<alias>/...)`,
);
console.log(`  artifact S3    ${s3.endpoint}   (bucket ${s3.bucket})`);
console.log(`  auth           ${auth.summary}`);
console.log("Press Ctrl+C to stop.\n");
