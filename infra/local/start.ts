/**
 * `npm start`: everything Edgeflow needs, locally, with nothing to configure. Local D1 (SQLite
 * files under EDGEFLOW_STATE_DIR) gets its migrations applied, then the tracking worker runs in
 * workerd through `wrangler dev` on 127.0.0.1:$PORT (default 5000, MLflow's port).
 */
import { resolve } from "node:path";
import { freePort, portFromEnv, waitForHealthy } from "./ports";
import { projectRoot, runWrangler, startWrangler } from "./wrangler";

const stateDir = resolve(projectRoot, process.env.EDGEFLOW_STATE_DIR || ".edgeflow");
const persistTo = resolve(stateDir, "wrangler");
const port = await portFromEnv("PORT", 5000);

await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);

const tracking = startWrangler("tracking", [
  "dev",
  "--config",
  "wrangler.toml",
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--inspector-port",
  String(await freePort()),
  "--persist-to",
  persistTo,
  "--show-interactive-dev-session=false",
  "--log-level",
  process.env.EDGEFLOW_LOG_LEVEL || "warn",
]);

const children = [tracking];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) {
  child.on("exit", (code) => {
    stop();
    process.exitCode = code ?? 1;
  });
}

const trackingUrl = `http://127.0.0.1:${port}`;
await waitForHealthy(`${trackingUrl}/health`, 60_000);
console.log(`\nEdgeflow is running (state in ${stateDir}):`);
console.log(`  tracking API   ${trackingUrl}   (export MLFLOW_TRACKING_URI=${trackingUrl})`);
console.log("Press Ctrl+C to stop.\n");
