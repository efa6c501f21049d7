/** The Edgeflow side of the benchmark: every figure measured through the running stack's REST API. */
import type { BenchConfig } from "./config";
import type { HttpClient } from "./http";
import {
  createExperiment,
  historyLatency,
  type LatencyResult,
  logBatchThroughput,
  type SearchCheck,
  type SearchShape,
  searchLatency,
  seedHistory,
  seedSearchRuns,
  type ThroughputResult,
} from "./workloads";

export interface EdgeflowResults {
  singleClient: ThroughputResult;
  multiClient: ThroughputResult;
  seedSeconds: number;
  historySeedSeconds: number;
  search: Record<SearchShape, LatencyResult & { check: SearchCheck }>;
  history: LatencyResult & { points: number; responseBytes: number };
}

export async function runEdgeflow(http: HttpClient, cfg: BenchConfig, log: (line: string) => void) {
  const suffix = Date.now().toString(36);
  const throughputExperiment = await createExperiment(http, `bench-throughput-${suffix}`);
  log("edgeflow: log-batch, 1 client");
  const singleClient = await logBatchThroughput(http, throughputExperiment, {
    clients: 1,
    warmup: cfg.warmupBatches,
    batches: cfg.singleClientBatches,
    batchSize: cfg.batchSize,
    label: "single",
  });
  log(`edgeflow: log-batch, ${cfg.clients} clients`);
  const multiClient = await logBatchThroughput(http, throughputExperiment, {
    clients: cfg.clients,
    warmup: cfg.warmupBatches,
    batches: cfg.batchesPerClient,
    batchSize: cfg.batchSize,
    label: "multi",
  });

  log(`edgeflow: seeding ${cfg.runs} runs, ${cfg.seedConcurrency} requests in flight`);
  const searchExperiment = await createExperiment(http, `bench-search-${suffix}`);
  const seedStart = performance.now();
  await seedSearchRuns(http, searchExperiment, cfg.runs, cfg.seedConcurrency, (done) =>
    log(`edgeflow: ${done} runs seeded (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`),
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const search = {} as EdgeflowResults["search"];
  for (const shape of ["filtered", "unfiltered"] as const) {
    log(`edgeflow: search_runs (${shape})`);
    search[shape] = await searchLatency(http, searchExperiment, shape, cfg.warmupReads, cfg.searchReads);
  }

  log(`edgeflow: seeding a ${cfg.historyPoints}-point history`);
  const historyStart = performance.now();
  const historyRun = await seedHistory(http, throughputExperiment, cfg.historyPoints, cfg.batchSize);
  const historySeedSeconds = (performance.now() - historyStart) / 1000;
  log("edgeflow: get-history");
  const history = await historyLatency(http, historyRun, cfg.warmupReads, cfg.historyReads);

  return {
    singleClient,
    multiClient,
    seedSeconds,
    historySeedSeconds,
    search,
    history,
  } satisfies EdgeflowResults;
}
