/**
 * The measured work against Edgeflow's REST API (MLflow's wire format), and the seeding it needs.
 * Request bodies are serialised before the clock starts, so timings hold the server's work plus
 * loopback HTTP, not the load generator's JSON.stringify.
 */
import { HISTORY_KEY, historyBatch, type KeyValue, type MetricPoint, runSpec, throughputBatch } from "./data";
import type { HttpClient } from "./http";
import { pool, type Summary, sampleLatency, summarize } from "./stats";

const API = "/api/2.0/mlflow";

export interface ThroughputResult {
  clients: number;
  batches: number;
  points: number;
  seconds: number;
  pointsPerSecond: number;
  /** Per-request latency of the measured batches (ms). */
  request: Summary;
}

export interface LatencyResult {
  samples: number[];
  summary: Summary;
}

/** Search runs answered: run count and the order-by metric's values, to compare with the baseline. */
export interface SearchCheck {
  runs: number;
  values: number[];
}

/** The two search_runs shapes, in MLflow's request form. */
export const SEARCHES = {
  filtered: { filter: "metrics.acc > 0.5", order_by: ["metrics.acc DESC"], max_results: 100 },
  unfiltered: { max_results: 100 },
} as const;
export type SearchShape = keyof typeof SEARCHES;

export function logBatchBody(
  runId: string,
  metrics: MetricPoint[],
  params: KeyValue[] = [],
  tags: KeyValue[] = [],
) {
  return JSON.stringify({ run_id: runId, metrics, params, tags });
}

export async function createExperiment(http: HttpClient, name: string): Promise<string> {
  const response = await http.json<{ experiment_id: string }>("POST", `${API}/experiments/create`, { name });
  return response.experiment_id;
}

export async function createRun(http: HttpClient, experimentId: string, runName: string, startTime: number) {
  const response = await http.json<{ run: { info: { run_id: string } } }>("POST", `${API}/runs/create`, {
    experiment_id: experimentId,
    start_time: startTime,
    run_name: runName,
  });
  return response.run.info.run_id;
}

/**
 * `clients` writers, each logging to its own run: `warmup` unmeasured batches each, then
 * `batches` measured ones each, every client sending its next batch as soon as the last returns.
 */
export async function logBatchThroughput(
  http: HttpClient,
  experimentId: string,
  options: { clients: number; warmup: number; batches: number; batchSize: number; label: string },
): Promise<ThroughputResult> {
  const { clients, warmup, batches, batchSize } = options;
  const runIds: string[] = [];
  for (let c = 0; c < clients; c++) {
    runIds.push(await createRun(http, experimentId, `${options.label}-client-${c}`, Date.now()));
  }
  const bodies = runIds.map((runId, c) =>
    Array.from({ length: warmup + batches }, (_, b) => logBatchBody(runId, throughputBatch(c, b, batchSize))),
  );
  const send = (c: number, b: number) => http.ok("POST", `${API}/runs/log-batch`, bodies[c]?.[b]);
  await Promise.all(
    runIds.map(async (_, c) => {
      for (let b = 0; b < warmup; b++) await send(c, b);
    }),
  );
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    runIds.map(async (_, c) => {
      for (let b = warmup; b < warmup + batches; b++) {
        const sent = performance.now();
        await send(c, b);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const points = clients * batches * batchSize;
  return {
    clients,
    batches: clients * batches,
    points,
    seconds,
    pointsPerSecond: points / seconds,
    request: summarize(latencies),
  };
}

/** Creates `count` runs (runSpec) with their params, tags and metrics; not a measured figure. */
export async function seedSearchRuns(
  http: HttpClient,
  experimentId: string,
  count: number,
  concurrency: number,
  onProgress: (done: number) => void,
): Promise<void> {
  let done = 0;
  await pool(concurrency, count, async (i) => {
    const spec = runSpec(i);
    const runId = await createRun(http, experimentId, spec.name, spec.startTime);
    await http.ok("POST", `${API}/runs/log-batch`, logBatchBody(runId, spec.metrics, spec.params, spec.tags));
    done++;
    if (done % 1000 === 0) onProgress(done);
  });
}

interface SearchResponse {
  runs?: { data: { metrics?: { key: string; value: number }[] } }[];
}

export async function searchLatency(
  http: HttpClient,
  experimentId: string,
  shape: SearchShape,
  warmup: number,
  reads: number,
): Promise<LatencyResult & { check: SearchCheck }> {
  const body = JSON.stringify({ experiment_ids: [experimentId], ...SEARCHES[shape] });
  const path = `${API}/runs/search`;
  const parsed = await http.json<SearchResponse>("POST", path, body);
  const runs = parsed.runs ?? [];
  const check = {
    runs: runs.length,
    values: runs.map((run) => run.data.metrics?.find((m) => m.key === "acc")?.value ?? Number.NaN),
  };
  const samples = await sampleLatency(warmup, reads, () => http.ok("POST", path, body));
  return { samples, summary: summarize(samples), check };
}

/** One run with a `points`-long history of HISTORY_KEY, logged in batches of `batchSize`. */
export async function seedHistory(http: HttpClient, experimentId: string, points: number, batchSize: number) {
  const runId = await createRun(http, experimentId, "long-history", Date.now());
  for (let b = 0; b * batchSize < points; b++) {
    await http.ok("POST", `${API}/runs/log-batch`, logBatchBody(runId, historyBatch(b, batchSize, points)));
  }
  return runId;
}

export async function historyLatency(
  http: HttpClient,
  runId: string,
  warmup: number,
  reads: number,
): Promise<LatencyResult & { points: number; responseBytes: number }> {
  const path = `${API}/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent(HISTORY_KEY)}`;
  const first = await http.ok("GET", path);
  const points = (JSON.parse(first.body.toString("utf8")) as { metrics?: unknown[] }).metrics?.length ?? 0;
  const samples = await sampleLatency(warmup, reads, () => http.ok("GET", path));
  return { samples, summary: summarize(samples), points, responseBytes: first.body.length };
}
