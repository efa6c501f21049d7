/**
 * The rows both sides write: Edgeflow through HTTP, the baseline in-process. Everything is a pure
 * function of its indices, so the two databases end up with the same metric values, params and
 * tags (only the generated run ids differ).
 */

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface RunSpec {
  name: string;
  startTime: number;
  params: KeyValue[];
  tags: KeyValue[];
  metrics: MetricPoint[];
}

/** 2023-11-14T22:13:20Z: every timestamp is an offset from here. */
export const T0 = 1_700_000_000_000;

/** Keys of a throughput batch; each key gets batchSize / keys consecutive steps. */
const THROUGHPUT_KEYS = 10;

export const HISTORY_KEY = "loss";
export const SEARCH_METRIC = "acc";

/** A deterministic number in [0, 1) for an integer seed (mulberry32's output function). */
export function unit(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Batch `batch` of writer `client` for the throughput figures: 10 keys × (batchSize / 10) steps. */
export function throughputBatch(client: number, batch: number, batchSize: number): MetricPoint[] {
  const stepsPerKey = Math.ceil(batchSize / THROUGHPUT_KEYS);
  const points: MetricPoint[] = [];
  for (let i = 0; i < batchSize; i++) {
    const k = Math.floor(i / stepsPerKey);
    const step = batch * stepsPerKey + (i % stepsPerKey);
    points.push({
      key: `train/metric_${k}`,
      value: unit(client * 1_000_003 + batch * batchSize + i),
      timestamp: T0 + step * 100,
      step,
    });
  }
  return points;
}

/** Batch `batch` of the single long history: points batch*batchSize … up to `total`. */
export function historyBatch(batch: number, batchSize: number, total: number): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (let step = batch * batchSize; step < Math.min(total, (batch + 1) * batchSize); step++) {
    points.push({
      key: HISTORY_KEY,
      value: 1 / (1 + step / 1000) + unit(step) * 0.01,
      timestamp: T0 + step * 10,
      step,
    });
  }
  return points;
}

const OPTIMIZERS = ["adam", "sgd", "adamw", "rmsprop"];

/** Run `i` of the search experiment: 3 params, 2 tags (plus mlflow.runName), 2 metrics. */
export function runSpec(i: number): RunSpec {
  const acc = unit(i * 7 + 1);
  return {
    name: `run-${i}`,
    startTime: T0 + i * 1000,
    params: [
      { key: "lr", value: String(10 ** -(1 + (i % 4))) },
      { key: "batch_size", value: String(2 ** (4 + (i % 5))) },
      { key: "optimizer", value: OPTIMIZERS[i % OPTIMIZERS.length] as string },
    ],
    tags: [
      { key: "team", value: `team-${i % 7}` },
      { key: "dataset", value: `ds-${i % 13}` },
    ],
    metrics: [
      { key: SEARCH_METRIC, value: acc, timestamp: T0 + i * 1000 + 500, step: 10 },
      { key: "loss", value: 1 - acc + unit(i * 7 + 2) * 0.1, timestamp: T0 + i * 1000 + 500, step: 10 },
    ],
  };
}
