/**
 * docs/sdk.md's quick start: a tiny training loop logged with @edgeflow/sdk. Run it against
 * `npm start` with `npx tsx docs/examples/sdk-quickstart.ts`; test/sdk/docs-example.test.ts runs
 * the same function inside workerd.
 */
import { createClient, startRun } from "@edgeflow/sdk";

export async function trainAndLog(options: Parameters<typeof createClient>[0] = {}) {
  const client = createClient(options); // MLFLOW_TRACKING_URI etc. when not given
  const run = await startRun(client, { experimentName: "sdk-quickstart", runName: "tiny-sgd" });
  run.logParams({ learning_rate: 0.1, epochs: 20 });
  let weight = 0;
  for (let epoch = 0; epoch < 20; epoch++) {
    weight -= 0.1 * 2 * (weight - 3); // gradient descent on (weight - 3)^2
    run.logMetric("loss", (weight - 3) ** 2, { step: epoch }); // queued, sent in batches
  }
  await run.logArtifact("model/weights.json", JSON.stringify({ weight }));
  await run.end(); // sends what is queued, then marks the run FINISHED
  return { runId: run.id, weight };
}

const script = (globalThis as { process?: { argv?: string[] } }).process?.argv?.[1];
if (script && import.meta.url.endsWith(script.replace(/^.*\//, "/"))) {
  const { runId, weight } = await trainAndLog();
  console.log(`logged run ${runId}: weight ${weight.toFixed(4)}`);
}
