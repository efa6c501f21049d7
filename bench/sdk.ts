/**
 * `npm run bench:sdk`: @edgeflow/sdk's fluent logging of BENCH_SDK_POINTS (1,000,000) metric
 * points from one process, against the same points sent as the MLflow Python client's
 * `log_batch` loop sends them (a hand-built log-batch of 1000 metrics per request, one request
 * at a time), on one local stack (`npm start`'s: workerd, local D1, the S3 server) in the same
 * run. Prints points/s, request latency percentiles, bytes on the wire per point and the
 * process's memory, and the ratio SDK ÷ baseline. When the official MLflow Python client can be
 * imported (`python3 -c "import mlflow"`, with BENCH_MLFLOW_PYTHONPATH prepended to PYTHONPATH and
 * BENCH_PYTHON naming the interpreter), its own `MlflowClient.log_batch` loop runs too, on the same
 * stack, and gets its own column.
 */
import { execFileSync, spawnSync } from "node:child_process";
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

const PYTHON = process.env.BENCH_PYTHON ?? "python3";
const pythonEnv = () => ({
  ...process.env,
  PYTHONPATH: [process.env.BENCH_MLFLOW_PYTHONPATH, process.env.PYTHONPATH].filter(Boolean).join(":"),
});

/** The MLflow client's version when `import mlflow` works here, else undefined. */
function mlflowClientVersion(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import mlflow; print(mlflow.__version__)"], {
    env: pythonEnv(),
    encoding: "utf8",
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** The same points through the official client: Metric objects, log_batch per 1000, one at a time. */
const PYTHON_LOOP = `
import json, math, resource, sys, time
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient
url, points, keys, t0 = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), int(sys.argv[4])
client = MlflowClient(tracking_uri=url)
run_id = client.create_run("0").info.run_id
started = time.perf_counter()
batch = []
for n in range(points):
    step, i = divmod(n, len(keys))
    batch.append(Metric(keys[i], math.sin(step + i), t0 + step, step))
    if len(batch) == 1000:
        client.log_batch(run_id, metrics=batch)
        batch = []
if batch:
    client.log_batch(run_id, metrics=batch)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

function pythonPhase(url: string): Phase {
  const out = execFileSync(PYTHON, ["-c", PYTHON_LOOP, url, String(POINTS), KEYS.join(","), String(T0)], {
    env: pythonEnv(),
    encoding: "utf8",
  });
  const { seconds, peak_rss_mib } = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
    seconds: number;
    peak_rss_mib: number;
  };
  return { ...newPhase(), seconds, requests: Math.ceil(POINTS / 1000), peakRssMiB: peak_rss_mib };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

log("starting the local stack…");
const stack = await startStack({ root: projectRoot, port: 0, keepState: false });
try {
  log(`stack up in ${stack.startSeconds.toFixed(1)} s; warming up…`);
  await restPhase(stack.url, 20_000);
  const mlflowVersion = mlflowClientVersion();
  log(
    mlflowVersion
      ? `MLflow Python client ${mlflowVersion} found`
      : "no MLflow Python client: REST baseline only",
  );
  const phases: Record<string, Phase[]> = { sdk: [], rest: [], python: [] };
  for (let round = 0; round < 2; round++) {
    log(`round ${round + 1}/2: SDK…`);
    phases.sdk?.push(await sdkPhase(stack.url));
    log(`round ${round + 1}/2: raw log-batch loop…`);
    phases.rest?.push(await restPhase(stack.url));
    if (mlflowVersion) {
      log(`round ${round + 1}/2: MLflow ${mlflowVersion} client's log_batch loop…`);
      phases.python?.push(pythonPhase(stack.url));
    }
  }
  const best = (list: Phase[]) => list.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const sdk = best(phases.sdk ?? []);
  const rest = best(phases.rest ?? []);
  const python = (phases.python ?? []).length > 0 ? best(phases.python ?? []) : undefined;
  const rows: [string, number, number, number | undefined, number][] = [];
  const add = (name: string, a: number, b: number, c: number | undefined, digits = 0) =>
    rows.push([name, a, b, c, digits]);
  add("points/s", POINTS / sdk.seconds, POINTS / rest.seconds, python && POINTS / python.seconds);
  add("log-batch requests", sdk.requests, rest.requests, python?.requests);
  add(
    "bytes on the wire per point (request bodies)",
    sdk.bytesSent / POINTS,
    rest.bytesSent / POINTS,
    undefined,
    1,
  );
  add("request latency p50 (ms)", summarize(sdk.latencies).p50, summarize(rest.latencies).p50, undefined, 1);
  add("request latency p95 (ms)", summarize(sdk.latencies).p95, summarize(rest.latencies).p95, undefined, 1);
  add("process peak RSS during the phase (MiB)", sdk.peakRssMiB, rest.peakRssMiB, python?.peakRssMiB);
  console.log(`### SDK benchmark (${new Date().toISOString().replace(/\.\d+Z$/, "Z")})\n`);
  console.log(
    `${fmt(POINTS)} points (${KEYS.length} keys × ${fmt(POINTS / KEYS.length)} steps), one process, best of 2 rounds each, same stack. ` +
      "Baseline: the MLflow Python client's log_batch loop shape (hand-built 1000-metric requests, one at a time).\n",
  );
  const pythonColumns = python ? ` MLflow ${mlflowVersion} client (Python) | SDK ÷ Python client |` : "";
  console.log(
    `| figure | SDK fluent logging | raw log-batch loop | SDK ÷ raw loop |${pythonColumns}\n|---|--:|--:|--:|${python ? "--:|--:|" : ""}`,
  );
  for (const [name, a, b, c, digits] of rows) {
    const pythonCells = python
      ? ` ${c === undefined ? "—" : fmt(c, digits)} | ${c === undefined ? "—" : `${(a / c).toFixed(2)}×`} |`
      : "";
    console.log(`| ${name} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${(a / b).toFixed(2)}× |${pythonCells}`);
  }
} finally {
  await stack.stop();
}
