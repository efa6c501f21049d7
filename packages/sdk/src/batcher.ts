import { type Infer, type LogBatch, logBatchLimits } from "@edgeflow/schema/wire";

type Batch = Infer<typeof LogBatch.spec>;
export type MetricPoint = NonNullable<Batch["metrics"]>[number];
export type KeyValue = NonNullable<Batch["params"]>[number];

/** A run's pending params, tags and metric points, taken out in log-batch-sized pieces. */
export class BatchQueue {
  private metrics: MetricPoint[] = [];
  private params: KeyValue[] = [];
  private tags: KeyValue[] = [];

  get size(): number {
    return this.metrics.length + this.params.length + this.tags.length;
  }

  /** True once a full log-batch's worth of metric points is waiting. */
  get full(): boolean {
    return this.metrics.length >= logBatchLimits.metrics;
  }

  addMetric(point: MetricPoint): void {
    this.metrics.push(point);
  }

  addParam(param: KeyValue): void {
    this.params.push(param);
  }

  addTag(tag: KeyValue): void {
    this.tags.push(tag);
  }

  /**
   * The next log-batch within MLflow's limits (1000 metrics, 100 params, 100 tags, 1000
   * entities), removed from the queue; undefined when nothing waits. Params go first, so a run's
   * parameters land before its metrics, as MLflow's own client orders them.
   */
  take(): Omit<Batch, "run_id"> | undefined {
    if (this.size === 0) return undefined;
    const params = this.params.splice(0, logBatchLimits.paramsOrTags);
    const tags = this.tags.splice(0, logBatchLimits.paramsOrTags);
    const room = Math.min(logBatchLimits.metrics, logBatchLimits.entities - params.length - tags.length);
    const metrics = this.metrics.splice(0, room);
    return { metrics, params, tags };
  }

  /** Puts a batch that could not be sent back at the front, so its points keep their order. */
  restore(batch: Omit<Batch, "run_id">): void {
    this.metrics.unshift(...(batch.metrics ?? []));
    this.params.unshift(...(batch.params ?? []));
    this.tags.unshift(...(batch.tags ?? []));
  }
}
