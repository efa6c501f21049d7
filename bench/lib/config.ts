/**
 * Benchmark parameters. Full size by default (10,000 runs, a 100,000-point history); BENCH_QUICK=1
 * is a smoke run of a few seconds of load; each BENCH_* variable overrides one figure.
 */

export interface BenchConfig {
  quick: boolean;
  /** Concurrent clients of the multi-client log-batch figure. */
  clients: number;
  /** Metric points per log-batch request (MLflow's limit is 1000). */
  batchSize: number;
  /** Unmeasured batches each client sends before the measured ones. */
  warmupBatches: number;
  /** Measured batches of the single-client figure. */
  singleClientBatches: number;
  /** Measured batches per client of the multi-client figure. */
  batchesPerClient: number;
  /** Runs in the experiment that search_runs reads. */
  runs: number;
  /** Requests in flight while seeding those runs (not a measured figure). */
  seedConcurrency: number;
  /** Measured search_runs requests per query shape. */
  searchReads: number;
  /** Points of the metric read by get-history. */
  historyPoints: number;
  /** Measured get-history reads. */
  historyReads: number;
  /** Unmeasured reads before each latency series. */
  warmupReads: number;
  /** Port for the stack under test; 0 picks a free one. */
  port: number;
  /** Keep the temporary state folders (local D1 and the baseline file) for inspection. */
  keepState: boolean;
  /** Run the in-process SQLite baseline. */
  baseline: boolean;
  /** Run the stack from a frozen copy of the tree, so edits during the run don't restart the worker. */
  snapshot: boolean;
  /** Benchmark this git ref's committed files instead of the working tree (implies a snapshot). */
  ref: string | null;
}

function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got '${raw}'`);
  return value;
}

function flagFromEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  return !["0", "false", "no", "off"].includes(raw.toLowerCase());
}

export function loadConfig(): BenchConfig {
  const quick = flagFromEnv("BENCH_QUICK", false);
  return {
    quick,
    clients: intFromEnv("BENCH_CLIENTS", 8),
    batchSize: intFromEnv("BENCH_BATCH_SIZE", 1000),
    warmupBatches: intFromEnv("BENCH_WARMUP_BATCHES", quick ? 2 : 5, 0),
    singleClientBatches: intFromEnv("BENCH_BATCHES", quick ? 10 : 100),
    batchesPerClient: intFromEnv("BENCH_BATCHES_PER_CLIENT", quick ? 5 : 40),
    runs: intFromEnv("BENCH_RUNS", quick ? 500 : 10_000),
    seedConcurrency: intFromEnv("BENCH_SEED_CONCURRENCY", 8),
    searchReads: intFromEnv("BENCH_SEARCH_READS", quick ? 10 : 50),
    historyPoints: intFromEnv("BENCH_HISTORY_POINTS", quick ? 10_000 : 100_000),
    historyReads: intFromEnv("BENCH_HISTORY_READS", quick ? 5 : 20),
    warmupReads: intFromEnv("BENCH_WARMUP_READS", quick ? 2 : 3, 0),
    port: intFromEnv("BENCH_PORT", 0, 0),
    keepState: flagFromEnv("BENCH_KEEP_STATE", false),
    baseline: flagFromEnv("BENCH_BASELINE", true),
    snapshot: flagFromEnv("BENCH_SNAPSHOT", true) || Boolean(process.env.BENCH_REF),
    ref: process.env.BENCH_REF || null,
  };
}
