/**
 * One metric over many runs: points come downsampled by the server (get-history-bulk-interval,
 * 1,000 per run, optional min/max bands), drawn by uPlot loaded on first use. x by step, wall
 * time or relative time; log scales; smoothing. The chart settings live in the URL.
 */
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { metricInterval, type SampledMetric } from "../api/tracking";
import { pointsPerRun } from "../charts/point-budget";
import type { XMode } from "../charts/series";
import { useAsync } from "../hooks/use-async";
import { useQueryState } from "../router";
import { ErrorBox } from "./error-box";

const MAX_RUNS_PER_CALL = 100;

async function fetchAll(runIds: string[], key: string, minMax: boolean): Promise<SampledMetric> {
  // bench/ui.ts times a chart from this mark to its first frame.
  performance.mark(`edgeflow:chart-start:${key}`);
  void loadPlot(); // the drawing chunk loads while the points are on their way
  const calls = [];
  for (let i = 0; i < runIds.length; i += MAX_RUNS_PER_CALL) {
    calls.push(
      metricInterval(runIds.slice(i, i + MAX_RUNS_PER_CALL), key, {
        maxResults: pointsPerRun(runIds.length),
        minMax,
      }),
    );
  }
  const parts = await Promise.all(calls);
  return { metrics: parts.flatMap((p) => p.metrics), bands: parts.flatMap((p) => p.bands) };
}

const loadPlot = () => Promise.all([import("../charts/plot"), import("../charts/series")]);

export function MetricChart(props: { metricKey: string; runIds: string[]; labels: Map<string, string> }) {
  const [query, setQuery] = useQueryState();
  const mode = (query.get("x") as XMode | null) ?? "step";
  const logX = query.get("logx") === "1";
  const logY = query.get("logy") === "1";
  const smoothing = Number(query.get("smooth") ?? "0");
  const bands = query.get("bands") === "1";
  const data = useAsync(
    () => fetchAll(props.runIds, props.metricKey, bands),
    [props.runIds.join(","), props.metricKey, bands],
  );
  const target = useRef<HTMLDivElement>(null);
  const [drawError, setDrawError] = useState<unknown>();

  // Layout effect: the chart is drawn before the frame that shows "Loading…" gone, not a frame later.
  useLayoutEffect(() => {
    const el = target.current;
    if (!el || data.state !== "ok") return;
    let plot: { destroy: () => void } | undefined;
    let live = true;
    loadPlot().then(([{ drawPlot }, { toSeries }]) => {
      if (!live) return;
      el.textContent = "";
      const series = toSeries(props.runIds, props.labels, data.value.metrics, data.value.bands, mode);
      plot = drawPlot(el, {
        series,
        mode,
        logX,
        logY,
        smoothing,
        width: Math.max(el.clientWidth, 300),
        height: 260,
        onFirstDraw: () => {
          el.dataset.drawn = "1";
          performance.mark(`edgeflow:chart:${props.metricKey}`);
        },
      });
    }, setDrawError);
    return () => {
      live = false;
      plot?.destroy();
    };
  }, [data.state, data.value, mode, logX, logY, smoothing]);

  return (
    <div class="chart" data-testid={`chart-${props.metricKey}`}>
      <strong>{props.metricKey}</strong>
      <div class="controls">
        <select
          aria-label="x axis"
          value={mode}
          onChange={(e) =>
            setQuery({ x: e.currentTarget.value === "step" ? undefined : e.currentTarget.value })
          }
        >
          <option value="step">Step</option>
          <option value="wall">Wall time</option>
          <option value="relative">Relative time (s)</option>
        </select>
        <label>
          <input type="checkbox" checked={logX} onChange={() => setQuery({ logx: logX ? undefined : "1" })} />{" "}
          log x
        </label>
        <label>
          <input type="checkbox" checked={logY} onChange={() => setQuery({ logy: logY ? undefined : "1" })} />{" "}
          log y
        </label>
        <label>
          <input
            type="checkbox"
            checked={bands}
            onChange={() => setQuery({ bands: bands ? undefined : "1" })}
          />{" "}
          min/max
        </label>
        <label>
          smoothing{" "}
          <input
            type="range"
            min="0"
            max="0.99"
            step="0.01"
            value={smoothing}
            onChange={(e) =>
              setQuery({ smooth: e.currentTarget.value === "0" ? undefined : e.currentTarget.value })
            }
          />
        </label>
      </div>
      {data.state === "loading" && <p class="muted">Loading…</p>}
      {data.state === "error" && <ErrorBox error={data.error} />}
      {drawError !== undefined && <ErrorBox error={drawError} />}
      <div ref={target} />
    </div>
  );
}
