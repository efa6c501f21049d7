/**
 * Chart data prepared for uPlot, apart from drawing: sampled points per run aligned on one x axis
 * (step, wall time or time since the run's first point), EMA smoothing, and min/max bands.
 */
import type { MetricBandWire, MetricWithRunIdWire } from "../api/tracking";

export type XMode = "step" | "wall" | "relative";

export interface RunSeries {
  runId: string;
  label: string;
  points: { x: number; y: number | null }[];
  bands: { x: number; lo: number; hi: number }[];
}

const numeric = (value: number | string | undefined): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

export function toSeries(
  runIds: string[],
  labels: Map<string, string>,
  metrics: MetricWithRunIdWire[],
  bands: MetricBandWire[],
  mode: XMode,
): RunSeries[] {
  const byRun = new Map<string, MetricWithRunIdWire[]>();
  for (const point of metrics) {
    const list = byRun.get(point.run_id ?? "") ?? [];
    list.push(point);
    byRun.set(point.run_id ?? "", list);
  }
  return runIds.map((runId) => {
    const points = byRun.get(runId) ?? [];
    const t0 = points.reduce((min, p) => Math.min(min, p.timestamp ?? min), Number.POSITIVE_INFINITY);
    const xOf = (p: MetricWithRunIdWire) =>
      mode === "step"
        ? (p.step ?? 0)
        : mode === "wall"
          ? (p.timestamp ?? 0) / 1000
          : ((p.timestamp ?? 0) - t0) / 1000;
    return {
      runId,
      label: labels.get(runId) ?? runId.slice(0, 8),
      points: points.map((p) => ({ x: xOf(p), y: numeric(p.value) })).sort((a, b) => a.x - b.x),
      bands:
        mode === "step"
          ? bands
              .filter((b) => b.run_id === runId)
              .map((b) => ({ x: b.step ?? 0, lo: b.min_value ?? 0, hi: b.max_value ?? 0 }))
          : [],
    };
  });
}

/** Exponential moving average with TensorBoard's debiasing; weight 0 leaves values as they are. */
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values;
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null) return null;
    last = last * weight + (1 - weight) * value;
    count++;
    return last / (1 - weight ** count);
  });
}

/** uPlot's columnar data: the union of x values, then one y column per series (null where absent). */
export function align(columns: { x: number; y: number | null }[][]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(columns.flatMap((column) => column.map((p) => p.x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = columns.map((column) => {
    const y: (number | null)[] = new Array(xs.length).fill(null);
    for (const p of column) y[index.get(p.x) as number] = p.y;
    return y;
  });
  return [xs, ...ys];
}
