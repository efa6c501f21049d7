/**
 * The uPlot drawing (canvas 2D, fast in headless Chromium too). This module and uPlot itself are
 * a separate chunk, imported on the first chart: pages without charts never download it.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { align, type RunSeries, smooth, type XMode } from "./series";

export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

export interface PlotOptions {
  series: RunSeries[];
  mode: XMode;
  logX: boolean;
  logY: boolean;
  smoothing: number;
  width: number;
  height: number;
  /** Called once, after the first frame is on the canvas. */
  onFirstDraw?: () => void;
}

export function drawPlot(target: HTMLElement, options: PlotOptions): { destroy: () => void } {
  // Log scales have no place for zero or below: such points are left out rather than mis-drawn.
  const keep = (p: { x: number; y: number | null }) =>
    (!options.logX || p.x > 0) && (!options.logY || p.y === null || p.y > 0);
  const columns = options.series.map((s) => s.points.filter(keep));
  const withBands = options.series.filter((s) => s.bands.length > 0);
  for (const s of withBands) {
    columns.push(
      s.bands.map((b) => ({ x: b.x, y: b.lo })),
      s.bands.map((b) => ({ x: b.x, y: b.hi })),
    );
  }
  const [xs, ...ys] = align(columns);
  const lines = options.series.length;
  const data = [xs, ...ys.map((y, i) => (i < lines ? smooth(y, options.smoothing) : y))];
  const series: uPlot.Series[] = [
    {},
    ...options.series.map((s, i) => ({
      label: s.label,
      stroke: PALETTE[i % PALETTE.length],
      width: 1.5,
      spanGaps: true,
      points: { show: false },
    })),
    ...withBands.flatMap((s) => {
      const color = PALETTE[options.series.indexOf(s) % PALETTE.length];
      return [
        { label: `${s.label} min`, stroke: color, width: 0, spanGaps: true, points: { show: false } },
        { label: `${s.label} max`, stroke: color, width: 0, spanGaps: true, points: { show: false } },
      ];
    }),
  ];
  const bands: uPlot.Band[] = withBands.map((s, i) => ({
    series: [lines + 1 + 2 * i + 1, lines + 1 + 2 * i],
    fill: `${PALETTE[options.series.indexOf(s) % PALETTE.length]}33`,
  }));
  let drawn = false;
  const plot = new uPlot(
    {
      width: options.width,
      height: options.height,
      series,
      bands,
      legend: { show: options.series.length <= 10 },
      scales: {
        x: { time: options.mode === "wall", distr: options.logX ? 3 : 1 },
        y: { distr: options.logY ? 3 : 1 },
      },
      axes: [{}, { size: 60 }],
      hooks: {
        draw: [
          () => {
            if (drawn) return;
            drawn = true;
            options.onFirstDraw?.();
          },
        ],
      },
    },
    data as uPlot.AlignedData,
    target,
  );
  return { destroy: () => plot.destroy() };
}
