import type { Infer, RunInfo, RunStatus } from "@edgeflow/schema/wire";
import { type ArtifactSource, artifactPath, uploadArtifact, uploadArtifactFile } from "./artifacts";
import { BatchQueue, type MetricPoint } from "./batcher";
import type { MlflowClient } from "./client";
import { inPool } from "./pool";
import { type SystemMetricsMonitor, type SystemMetricsOptions, startSystemMetrics } from "./system-metrics";

export interface StartRunOptions {
  /** The experiment to log to, by id or by name (created when it does not exist); "0" by default. */
  experimentId?: string;
  experimentName?: string;
  runName?: string;
  tags?: Record<string, string>;
  /** How often queued points are sent, in ms (default 1000); a full batch of 1000 goes at once. */
  flushIntervalMs?: number;
  /**
   * Log CPU, memory and GPU metrics under MLflow's `system/...` names while the run is open, like
   * `mlflow.start_run(log_system_metrics=True)` (Node only; every 10 s unless `intervalMs` says).
   */
  logSystemMetrics?: boolean | SystemMetricsOptions;
}

export interface MetricOptions {
  step?: number;
  /** Milliseconds since the epoch; now by default. */
  timestamp?: number;
}

type Body = Parameters<typeof uploadArtifact>[2];

/** Runs with points still queued, flushed when a Node process is about to exit. */
const openRuns = new Set<ActiveRun>();
let exitHookInstalled = false;

function installExitHook(): void {
  const node = globalThis as { process?: { once(event: string, listener: () => void): void } };
  if (exitHookInstalled || !node.process?.once) return;
  exitHookInstalled = true;
  // beforeExit fires when the event loop is empty, so the flush may still make requests; the
  // interval timer is unref'd and does not keep a finished script alive by itself.
  node.process.once("beforeExit", () => {
    exitHookInstalled = false;
    for (const run of openRuns) void run.flush().catch(() => {});
  });
}

/**
 * A run being logged to. Params, tags and metrics are queued and sent in the background as
 * log-batch requests (at most 1000 points each), every `flushIntervalMs` and whenever a full batch
 * is waiting; `flush()` and `end()` send everything. A request that fails with 429/5xx or a
 * network error is retried by the transport; a retried batch cannot duplicate points, because the
 * server ignores an exact duplicate (same key, value, timestamp and step), as MLflow's does.
 * A failure that outlasts the retries keeps the points queued and is thrown by the next `flush()`.
 */
export class ActiveRun {
  private readonly queue = new BatchQueue();
  /** The drain in progress, if any: one at a time, so batches leave in order. */
  private pumping: Promise<void> | undefined;
  private failure: unknown;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  /** Set by startRun when system metrics were asked for. */
  systemMetrics: SystemMetricsMonitor | undefined;

  constructor(
    readonly client: MlflowClient,
    readonly info: Infer<typeof RunInfo.spec>,
    flushIntervalMs = 1000,
  ) {
    if (flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.pump(), flushIntervalMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    openRuns.add(this);
    installExitHook();
  }

  get id(): string {
    return this.info.run_id ?? "";
  }

  logMetric(key: string, value: number, options: MetricOptions = {}): void {
    const point: MetricPoint = {
      key,
      value,
      timestamp: options.timestamp ?? Date.now(),
      step: options.step ?? 0,
    };
    this.queue.addMetric(point);
    if (this.queue.full && !this.pumping) void this.pump();
  }

  logMetrics(values: Record<string, number>, options: MetricOptions = {}): void {
    const timestamp = options.timestamp ?? Date.now();
    for (const [key, value] of Object.entries(values)) this.logMetric(key, value, { ...options, timestamp });
  }

  logParam(key: string, value: string | number | boolean): void {
    this.queue.addParam({ key, value: String(value) });
  }

  logParams(values: Record<string, string | number | boolean>): void {
    for (const [key, value] of Object.entries(values)) this.logParam(key, value);
  }

  setTag(key: string, value: string): void {
    this.queue.addTag({ key, value });
  }

  setTags(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) this.setTag(key, value);
  }

  /** Uploads one file under the run's artifacts (`path` like "model/config.json"), streamed. */
  async logArtifact(path: string, body: Body): Promise<void> {
    await uploadArtifact(this.client.transport, artifactPath(this.info.artifact_uri, path), body);
  }

  /**
   * Uploads one file of known size under the run's artifacts: streamed in one PUT, or, when large,
   * in parallel multipart parts with progress (see uploadArtifactFile).
   */
  async logArtifactFile(
    path: string,
    source: ArtifactSource,
    options?: Parameters<typeof uploadArtifactFile>[3],
  ): Promise<void> {
    await uploadArtifactFile(
      this.client.transport,
      artifactPath(this.info.artifact_uri, path),
      source,
      options,
    );
  }

  /** Uploads several files: `{ "model/config.json": bytes, ... }`, a few at a time. */
  async logArtifacts(files: Record<string, Body>, concurrency = 4): Promise<void> {
    await inPool(Object.entries(files), concurrency, ([path, body]) => this.logArtifact(path, body));
  }

  /** Sends everything queued so far; rejects if a batch could not be sent (its points stay queued). */
  async flush(): Promise<void> {
    await this.pumping;
    this.failure = undefined;
    await this.pump();
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Starts draining the queue unless a drain is running (it will take what was just queued). */
  private pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async drain(): Promise<void> {
    for (let batch = this.queue.take(); batch; batch = this.queue.take()) {
      try {
        await this.client.logBatch({ run_id: this.id, ...batch });
      } catch (error) {
        this.queue.restore(batch);
        this.failure = error;
        return;
      }
    }
  }

  /** Flushes, then marks the run finished (or FAILED / KILLED) as MLflow's end_run does. */
  async end(status: RunStatus = "FINISHED"): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.systemMetrics?.stop();
    await this.flush();
    openRuns.delete(this);
    await this.client.updateRun({ run_id: this.id, status, end_time: Date.now() });
  }
}

/** Starts a run, as `mlflow.start_run()` does, creating the named experiment when missing. */
export async function startRun(client: MlflowClient, options: StartRunOptions = {}): Promise<ActiveRun> {
  const experimentId = options.experimentName
    ? await experimentIdFor(client, options.experimentName)
    : (options.experimentId ?? "0");
  const tags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
  const { run } = await client.createRun({
    experiment_id: experimentId,
    run_name: options.runName,
    start_time: Date.now(),
    tags,
  });
  if (!run?.info) throw new Error("The server answered runs/create without a run.");
  const active = new ActiveRun(client, run.info, options.flushIntervalMs);
  if (options.logSystemMetrics) {
    const settings = options.logSystemMetrics === true ? {} : options.logSystemMetrics;
    active.systemMetrics = await startSystemMetrics(settings, (sample, step) =>
      active.logMetrics(sample, { step }),
    );
  }
  return active;
}

async function experimentIdFor(client: MlflowClient, name: string): Promise<string> {
  try {
    const { experiment } = await client.getExperimentByName({ experiment_name: name });
    if (experiment?.experiment_id) return experiment.experiment_id;
  } catch (error) {
    if ((error as { errorCode?: string }).errorCode !== "RESOURCE_DOES_NOT_EXIST") throw error;
  }
  try {
    const { experiment_id } = await client.createExperiment({ name });
    return experiment_id ?? "";
  } catch (error) {
    // Another process created it between our two calls: use theirs.
    if ((error as { errorCode?: string }).errorCode !== "RESOURCE_ALREADY_EXISTS") throw error;
    const { experiment } = await client.getExperimentByName({ experiment_name: name });
    return experiment?.experiment_id ?? "";
  }
}
