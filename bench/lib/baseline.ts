/**
 * The baseline: the same rows written and read directly with SQLite in this process, on a file
 * with Edgeflow's own schema (packages/schema/migrations/*.sql applied in order), in WAL mode with
 * one fsync per commit (synchronous=FULL) and foreign keys on, as local D1 runs. No HTTP, no
 * JSON, no worker: what the same database work costs by itself.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchConfig } from "./config";
import {
  HISTORY_KEY,
  historyBatch,
  type KeyValue,
  type MetricPoint,
  runSpec,
  T0,
  throughputBatch,
} from "./data";
import type { Database, SqliteDriver } from "./sqlite";
import { type Summary, summarize } from "./stats";
import type { LatencyResult, SearchCheck, SearchShape, ThroughputResult } from "./workloads";

export interface BaselineResults {
  driver: string;
  pragmas: Record<string, unknown>;
  singleClient: ThroughputResult;
  multiClient: ThroughputResult;
  seedSeconds: number;
  historySeedSeconds: number;
  search: Record<SearchShape, LatencyResult & { check: SearchCheck }>;
  history: LatencyResult & { points: number };
}

interface RunRowParts {
  run: Record<string, unknown>;
  params: Record<string, unknown>[];
  tags: Record<string, unknown>[];
  latestMetrics: { key: string; value: number }[];
  inputs: Record<string, unknown>[];
}

/** Applies the migrations folder in name order, as `wrangler d1 migrations apply` does. */
function applyMigrations(db: Database, folder: string): string[] {
  const files = readdirSync(folder)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  for (const file of files) db.exec(readFileSync(join(folder, file), "utf8"));
  return files;
}

function groupByRun<T extends { run_uuid: string }>(rows: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.run_uuid);
    if (group) group.push(row);
    else groups.set(row.run_uuid, [row]);
  }
  return groups;
}

class BaselineStore {
  readonly db: Database;
  private readonly runState;
  private readonly insertRun;
  private readonly insertParam;
  private readonly insertMetric;
  private readonly upsertLatest;
  private readonly upsertTag;
  private readonly history;
  private readonly loadStatements;
  readonly searchStatements: Record<SearchShape, ReturnType<Database["prepare"]>>;

  constructor(driver: SqliteDriver, file: string, migrations: string) {
    const db = driver.open(file);
    this.db = db;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    applyMigrations(db, migrations);
    this.runState = db.prepare("SELECT lifecycle_stage FROM runs WHERE run_uuid = ?");
    this.insertRun = db.prepare(
      "INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, lifecycle_stage, artifact_uri) " +
        "VALUES (?, ?, ?, '', 'RUNNING', ?, 'active', ?)",
    );
    this.insertParam = db.prepare(
      "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.insertMetric = db.prepare(
      "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT DO NOTHING",
    );
    this.upsertLatest = db.prepare(
      "INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan) VALUES (?, ?, ?, ?, ?, 0) " +
        "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, " +
        "step = excluded.step, is_nan = excluded.is_nan " +
        "WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)",
    );
    this.upsertTag = db.prepare(
      "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
    );
    this.history = db.prepare(
      "SELECT key, value, timestamp, step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp, value",
    );
    const ids = "(SELECT value FROM json_each(?))";
    this.loadStatements = {
      runs: db.prepare(`SELECT * FROM runs WHERE run_uuid IN ${ids}`),
      params: db.prepare(`SELECT * FROM params WHERE run_uuid IN ${ids} ORDER BY key`),
      tags: db.prepare(`SELECT * FROM tags WHERE run_uuid IN ${ids} ORDER BY key`),
      latest: db.prepare(`SELECT * FROM latest_metrics WHERE run_uuid IN ${ids} ORDER BY key`),
      inputs: db.prepare(
        "SELECT i.destination_id AS run_uuid, i.input_uuid, d.* FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id " +
          `WHERE i.destination_id IN ${ids} ORDER BY i.input_uuid`,
      ),
    };
    this.searchStatements = {
      filtered: db.prepare(
        "SELECT r.run_uuid FROM runs r JOIN latest_metrics m ON m.run_uuid = r.run_uuid " +
          "WHERE r.experiment_id = ? AND r.lifecycle_stage = 'active' AND m.key = 'acc' AND m.is_nan = 0 AND m.value > 0.5 " +
          "ORDER BY m.value DESC, r.start_time DESC, r.run_uuid ASC LIMIT ?",
      ),
      unfiltered: db.prepare(
        "SELECT run_uuid FROM runs WHERE experiment_id = ? AND lifecycle_stage = 'active' " +
          "ORDER BY start_time DESC, run_uuid ASC LIMIT ?",
      ),
    };
  }

  createExperiment(name: string): number {
    const row = this.db
      .prepare(
        "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) " +
          "VALUES (?, '', 'active', ?, ?) RETURNING experiment_id",
      )
      .get(name, Date.now(), Date.now()) as { experiment_id: number };
    return row.experiment_id;
  }

  /** A run row and its mlflow.runName tag, in one transaction, as runs/create writes them. */
  readonly createRun = (experimentId: number, name: string, startTime: number): string => {
    const runId = randomUUID().replaceAll("-", "");
    this.db.transaction(() => {
      this.insertRun.run(
        runId,
        name,
        experimentId,
        startTime,
        `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      );
      this.upsertTag.run(runId, "mlflow.runName", name);
    })();
    return runId;
  };

  /** One log-batch: the run check, then params, metric points, latest values and tags in one transaction. */
  readonly logBatch = (
    runId: string,
    metrics: MetricPoint[],
    params: KeyValue[] = [],
    tags: KeyValue[] = [],
  ) => {
    this.db.transaction(() => {
      const run = this.runState.get(runId) as { lifecycle_stage: string } | undefined;
      if (run?.lifecycle_stage !== "active") throw new Error(`run ${runId} is not active`);
      for (const p of params) this.insertParam.run(runId, p.key, p.value);
      const latest = new Map<string, MetricPoint>();
      for (const m of metrics) {
        this.insertMetric.run(runId, m.key, m.step, m.timestamp, m.value);
        const current = latest.get(m.key);
        if (
          !current ||
          m.step > current.step ||
          (m.step === current.step &&
            (m.timestamp > current.timestamp ||
              (m.timestamp === current.timestamp && m.value > current.value)))
        ) {
          latest.set(m.key, m);
        }
      }
      for (const m of latest.values()) this.upsertLatest.run(runId, m.key, m.value, m.timestamp, m.step);
      for (const t of tags) this.upsertTag.run(runId, t.key, t.value);
    })();
  };

  /** Whole runs for a list of ids, in five queries, returned in the ids' order (as the server's loadRuns). */
  loadRuns(runIds: string[]): RunRowParts[] {
    const ids = JSON.stringify(runIds);
    const s = this.loadStatements;
    type Row = { run_uuid: string } & Record<string, unknown>;
    const runs = new Map((s.runs.all(ids) as Row[]).map((row) => [row.run_uuid, row]));
    const params = groupByRun(s.params.all(ids) as Row[]);
    const tags = groupByRun(s.tags.all(ids) as Row[]);
    const latest = groupByRun(s.latest.all(ids) as (Row & { key: string; value: number })[]);
    const inputs = groupByRun(s.inputs.all(ids) as Row[]);
    const out: RunRowParts[] = [];
    for (const runId of runIds) {
      const run = runs.get(runId);
      if (!run) continue;
      out.push({
        run,
        params: params.get(runId) ?? [],
        tags: tags.get(runId) ?? [],
        latestMetrics: latest.get(runId) ?? [],
        inputs: inputs.get(runId) ?? [],
      });
    }
    return out;
  }

  search(shape: SearchShape, experimentId: number, maxResults: number): RunRowParts[] {
    const rows = this.searchStatements[shape].all(experimentId, maxResults + 1) as { run_uuid: string }[];
    return this.loadRuns(rows.slice(0, maxResults).map((row) => row.run_uuid));
  }

  readHistory(runId: string, key: string): unknown[] {
    return this.history.all(runId, key);
  }
}

function timeSync(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function latency(warmup: number, reads: number, fn: () => unknown): { samples: number[]; summary: Summary } {
  for (let i = 0; i < warmup; i++) fn();
  const samples = Array.from({ length: reads }, () => timeSync(fn));
  return { samples, summary: summarize(samples) };
}

/**
 * Log-batch throughput with one writer. With several "clients" the same batches go to as many runs,
 * round-robin, through the one connection: SQLite has a single writer, and local D1 serialises
 * writes the same way, so this is the baseline of both throughput figures.
 */
function throughput(
  store: BaselineStore,
  experimentId: number,
  cfg: BenchConfig,
  clients: number,
  batches: number,
) {
  const runIds = Array.from({ length: clients }, (_, c) =>
    store.createRun(experimentId, `baseline-${clients}-${c}`, T0),
  );
  const data = runIds.map((_, c) =>
    Array.from({ length: cfg.warmupBatches + batches }, (_, b) => throughputBatch(c, b, cfg.batchSize)),
  );
  for (let b = 0; b < cfg.warmupBatches; b++) {
    for (const [c, runId] of runIds.entries()) store.logBatch(runId, data[c]?.[b] ?? []);
  }
  const latencies: number[] = [];
  const start = performance.now();
  for (let b = cfg.warmupBatches; b < cfg.warmupBatches + batches; b++) {
    for (const [c, runId] of runIds.entries()) {
      latencies.push(timeSync(() => store.logBatch(runId, data[c]?.[b] ?? [])));
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const points = clients * batches * cfg.batchSize;
  return {
    clients,
    batches: clients * batches,
    points,
    seconds,
    pointsPerSecond: points / seconds,
    request: summarize(latencies),
  };
}

export function runBaseline(
  driver: SqliteDriver,
  cfg: BenchConfig,
  options: { file: string; migrations: string; log: (line: string) => void },
): BaselineResults {
  const store = new BaselineStore(driver, options.file, options.migrations);
  const { log } = options;
  try {
    const pragmas = {
      journal_mode: store.db.pragma("journal_mode", { simple: true }),
      synchronous: store.db.pragma("synchronous", { simple: true }),
      foreign_keys: store.db.pragma("foreign_keys", { simple: true }),
    };
    const throughputExperiment = store.createExperiment("bench-throughput");
    log("baseline: log-batch, 1 writer");
    const singleClient = throughput(store, throughputExperiment, cfg, 1, cfg.singleClientBatches);
    log(`baseline: log-batch, ${cfg.clients} runs through 1 writer`);
    const multiClient = throughput(store, throughputExperiment, cfg, cfg.clients, cfg.batchesPerClient);

    log(`baseline: seeding ${cfg.runs} runs`);
    const searchExperiment = store.createExperiment("bench-search");
    const seedStart = performance.now();
    for (let i = 0; i < cfg.runs; i++) {
      const spec = runSpec(i);
      const runId = store.createRun(searchExperiment, spec.name, spec.startTime);
      store.logBatch(runId, spec.metrics, spec.params, spec.tags);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const search = {} as BaselineResults["search"];
    for (const shape of ["filtered", "unfiltered"] as const) {
      log(`baseline: search_runs (${shape})`);
      const first = store.search(shape, searchExperiment, 100);
      const check = {
        runs: first.length,
        values: first.map((run) => run.latestMetrics.find((m) => m.key === "acc")?.value ?? Number.NaN),
      };
      search[shape] = {
        ...latency(cfg.warmupReads, cfg.searchReads, () => store.search(shape, searchExperiment, 100)),
        check,
      };
    }

    log(`baseline: seeding a ${cfg.historyPoints}-point history`);
    const historyStart = performance.now();
    const historyRun = store.createRun(throughputExperiment, "long-history", T0);
    for (let b = 0; b * cfg.batchSize < cfg.historyPoints; b++) {
      store.logBatch(historyRun, historyBatch(b, cfg.batchSize, cfg.historyPoints));
    }
    const historySeedSeconds = (performance.now() - historyStart) / 1000;
    log("baseline: get-history");
    const points = store.readHistory(historyRun, HISTORY_KEY).length;
    const history = {
      ...latency(cfg.warmupReads, cfg.historyReads, () => store.readHistory(historyRun, HISTORY_KEY)),
      points,
    };
    return {
      driver: driver.description,
      pragmas,
      singleClient,
      multiClient,
      seedSeconds,
      historySeedSeconds,
      search,
      history,
    };
  } finally {
    store.db.close();
  }
}
