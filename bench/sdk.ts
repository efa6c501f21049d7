/**
 * `npm run bench:sdk`: @edgeflow/sdk's fluent logging of BENCH_SDK_POINTS (1,000,000) metric
 * points from one process, against the same points sent as the MLflow Python client's
 * `log_batch` loop sends them (a hand-built log-batch of 1000 metrics per request, one request
 * at a time), on one local stack (`npm start`'s: workerd, local D1, the S3 server) in the same
 * run. Prints points/s, request latency percentiles, bytes on the wire per point and the
 * process's memory, and the ratio SDK ÷ baseline.
 */
import { createClient, startRun } from "@edgeflow/sdk";
import { projectRoot, startStack } from "./lib/server";
import { summarize } from "./lib/stats";

const POINTS = Number(process.env.BENCH_SDK_POINTS ?? 1_000_000);
const KEYS = ["loss", "acc", "lr", "grad_norm"];
const T0 = 1_700_000_000_000;
const log = (line: string) => console.error(`[bench:sdk] ${line}`);

interface Phase {
  seconds: number;
  requests: number;
  bytesSent: number;
  latencies: number[];
  peakRssMiB: number;
}

/** A fetch that counts what it sends and times each exchange. */
function countingFetch(phase: Phase) {
  return async (request: Request) => {
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    phase.bytesSent += body?.byteLength ?? 0;
    phase.requests++;
    const started = performance.now();
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body });
    const answered = new Response(await response.arrayBuffer(), response);
    phase.latencies.push(performance.now() - started);
    return answered;
  };
}

const newPhase = (): Phase => ({ seconds: 0, requests: 0, bytesSent: 0, latencies: [], peakRssMiB: 0 });
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

/** A training loop: each step logs the four metrics and yields, as an awaited training step does. */
async function sdkPhase(url: string): Promise<Phase> {
  const phase = newPhase();
  const client = createClient({ trackingUri: url, fetch: countingFetch(phase) });
  const run = await startRun(client, { experimentName: "bench-sdk", flushIntervalMs: 1000 });
  phase.requests = 0;
  phase.bytesSent = 0;
  phase.latencies = [];
  const started = performance.now();
  for (let step = 0; step < POINTS / KEYS.length; step++) {
    for (const [i, key] of KEYS.entries())
      run.logMetric(key, Math.sin(step + i), { step, timestamp: T0 + step });
    if (step % 250 === 0) {
      phase.peakRssMiB = Math.max(phase.peakRssMiB, rssMiB());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await run.flush();
  phase.seconds = (performance.now() - started) / 1000;
  await run.end();
  return phase;
}

/** The Python client's shape: build a 1000-metric log-batch, POST it, wait, repeat. */
async function restPhase(url: string, points = POINTS): Promise<Phase> {
  const phase = newPhase();
  const client = createClient({ trackingUri: url });
  const { run } = await client.createRun({ experiment_id: "0" });
  const runId = run?.info?.run_id ?? "";
  const send = countingFetch(phase);
  const started = performance.now();
  const perStep = KEYS.length;
  for (let first = 0; first < points; first += 1000) {
    const metrics = [];
    for (let n = first; n < Math.min(first + 1000, points); n++) {
      const step = Math.floor(n / perStep);
      const i = n % perStep;
      metrics.push({ key: KEYS[i], value: Math.sin(step + i), timestamp: T0 + step, step });
    }
    const response = await send(
      new Request(`${url}/api/2.0/mlflow/runs/log-batch`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ run_id: runId, metrics }),
      }),
    );
    if (!response.ok) throw new Error(`log-batch: ${response.status} ${await response.text()}`);
    if (first % 50_000 === 0) phase.peakRssMiB = Math.max(phase.peakRssMiB, rssMiB());
  }
  phase.seconds = (performance.now() - started) / 1000;
  return phase;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

log("starting the local stack…");
const stack = await startStack({ root: projectRoot, port: 0, keepState: false });
try {
  log(`stack up in ${stack.startSeconds.toFixed(1)} s; warming up…`);
  await restPhase(stack.url, 20_000);
  const phases: Record<string, Phase[]> = { sdk: [], rest: [] };
  for (let round = 0; round < 2; round++) {
    log(`round ${round + 1}/2: SDK…`);
    phases.sdk?.push(await sdkPhase(stack.url));
    log(`round ${round + 1}/2: raw log-batch loop…`);
    phases.rest?.push(await restPhase(stack.url));
  }
  const best = (list: Phase[]) => list.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const sdk = best(phases.sdk ?? []);
  const rest = best(phases.rest ?? []);
  const rows: [string, number, number, number][] = [];
  const add = (name: string, a: number, b: number, digits = 0) => rows.push([name, a, b, digits]);
  add("points/s", POINTS / sdk.seconds, POINTS / rest.seconds);
  add("log-batch requests", sdk.requests, rest.requests);
  add("bytes on the wire per point (request bodies)", sdk.bytesSent / POINTS, rest.bytesSent / POINTS, 1);
  add("request latency p50 (ms)", summarize(sdk.latencies).p50, summarize(rest.latencies).p50, 1);
  add("request latency p95 (ms)", summarize(sdk.latencies).p95, summarize(rest.latencies).p95, 1);
  add("process peak RSS during the phase (MiB)", sdk.peakRssMiB, rest.peakRssMiB);
  console.log(`### SDK benchmark (${new Date().toISOString().replace(/\.\d+Z$/, "Z")})\n`);
  console.log(
    `${fmt(POINTS)} points (${KEYS.length} keys × ${fmt(POINTS / KEYS.length)} steps), one process, best of 2 rounds each, same stack. ` +
      "Baseline: the MLflow Python client's log_batch loop shape (hand-built 1000-metric requests, one at a time).\n",
  );
  console.log("| figure | SDK fluent logging | raw log-batch loop | SDK ÷ baseline |\n|---|--:|--:|--:|");
  for (const [name, a, b, digits] of rows)
    console.log(`| ${name} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${(a / b).toFixed(2)}× |`);
} finally {
  await stack.stop();
}
