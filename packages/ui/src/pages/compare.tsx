/**
 * Compare runs: every shared metric as a multi-run line chart, a scatter of any two columns, and
 * parallel coordinates over the chosen columns. Runs come from `?runs=a,b,c`.
 */
import { getRun } from "../api/tracking";
import { Loaded } from "../components/loading";
import { MetricChart } from "../components/metric-chart";
import { useTabs } from "../components/tabs";
import { useAsync } from "../hooks/use-async";
import { useQueryState } from "../router";
import { availableColumns, cellValue, type IndexedRun, indexRun } from "./runs-model";

const W = 640;
const H = 320;
const PAD = 40;

export function ComparePage() {
  const [query] = useQueryState();
  const ids = (query.get("runs") ?? "").split(",").filter(Boolean);
  const runs = useAsync(
    () => Promise.all(ids.map(getRun)).then((list) => list.map(indexRun)),
    [ids.join(",")],
  );
  const [tab, bar] = useTabs([
    ["lines", "Metric charts"],
    ["scatter", "Scatter"],
    ["parallel", "Parallel coordinates"],
  ]);
  return (
    <>
      <h1>Compare {ids.length} runs</h1>
      {bar}
      <Loaded value={runs}>{(list) => <CompareTab tab={tab} runs={list} />}</Loaded>
    </>
  );
}

function CompareTab({ tab, runs }: { tab: string; runs: IndexedRun[] }) {
  const [query, setQuery] = useQueryState();
  const columns = availableColumns(runs).filter((id) =>
    runs.some((r) => Number.isFinite(Number(cellValue(r, id)))),
  );
  const labels = new Map(runs.map((r) => [r.run.info?.run_id ?? "", r.run.info?.run_name ?? ""]));
  const runIds = runs.map((r) => r.run.info?.run_id ?? "");
  if (tab === "lines") {
    const keys = [...new Set(runs.flatMap((r) => [...r.metrics.keys()]))].sort();
    return (
      <div class="charts">
        {keys.map((key) => (
          <MetricChart key={key} metricKey={key} runIds={runIds} labels={labels} />
        ))}
      </div>
    );
  }
  const picker = (param: string, fallback: string | undefined) => (
    <select
      value={query.get(param) ?? fallback}
      onChange={(e) => setQuery({ [param]: e.currentTarget.value })}
    >
      {columns.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
  if (tab === "scatter") {
    const x = query.get("sx") ?? columns[0] ?? "";
    const y = query.get("sy") ?? columns[1] ?? columns[0] ?? "";
    return (
      <>
        <div class="toolbar">
          x {picker("sx", columns[0])} y {picker("sy", columns[1] ?? columns[0])}
        </div>
        <Scatter runs={runs} x={x} y={y} />
      </>
    );
  }
  return <Parallel runs={runs} columns={columns.slice(0, 12)} />;
}

function scale(values: number[]): (v: number) => number {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return (v) => (hi === lo ? 0.5 : (v - lo) / (hi - lo));
}

function Scatter({ runs, x, y }: { runs: IndexedRun[]; x: string; y: string }) {
  const points = runs
    .map((r) => ({ r, x: Number(cellValue(r, x)), y: Number(cellValue(r, y)) }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const sx = scale(points.map((p) => p.x));
  const sy = scale(points.map((p) => p.y));
  return (
    <svg
      width={W}
      height={H}
      style={{ background: "#fff", border: "1px solid #d5d9e0" }}
      data-testid="scatter"
    >
      <title>
        Scatter plot: {y} against {x}
      </title>
      <text x={W / 2} y={H - 8} text-anchor="middle" font-size="12">
        {x}
      </text>
      <text x={12} y={H / 2} font-size="12" transform={`rotate(-90 12 ${H / 2})`} text-anchor="middle">
        {y}
      </text>
      {points.map((p) => (
        <circle
          key={p.r.run.info?.run_id}
          cx={PAD + sx(p.x) * (W - 2 * PAD)}
          cy={H - PAD - sy(p.y) * (H - 2 * PAD)}
          r={5}
          fill="#1f77b4"
        >
          <title>{`${p.r.run.info?.run_name}: ${p.x}, ${p.y}`}</title>
        </circle>
      ))}
    </svg>
  );
}

function Parallel({ runs, columns }: { runs: IndexedRun[]; columns: string[] }) {
  if (columns.length < 2) return <p class="muted">Need at least two numeric columns.</p>;
  const step = (W - 2 * PAD) / (columns.length - 1);
  const scales = columns.map((c) => scale(runs.map((r) => Number(cellValue(r, c))).filter(Number.isFinite)));
  return (
    <svg
      width={W}
      height={H}
      style={{ background: "#fff", border: "1px solid #d5d9e0" }}
      data-testid="parallel"
    >
      <title>Parallel coordinates over {columns.join(", ")}</title>
      {columns.map((c, i) => (
        <g key={c}>
          <line x1={PAD + i * step} x2={PAD + i * step} y1={PAD} y2={H - PAD} stroke="#999" />
          <text x={PAD + i * step} y={PAD - 8} font-size="10" text-anchor="middle">
            {c.replace(/^\w+\./, "")}
          </text>
        </g>
      ))}
      {runs.map((r) => {
        const coords = columns.map((c, i) => {
          const v = Number(cellValue(r, c));
          return Number.isFinite(v)
            ? `${PAD + i * step},${H - PAD - (scales[i]?.(v) ?? 0) * (H - 2 * PAD)}`
            : null;
        });
        return (
          <polyline
            key={r.run.info?.run_id}
            fill="none"
            stroke="#1f77b4"
            stroke-opacity="0.6"
            points={coords.filter(Boolean).join(" ")}
          >
            <title>{r.run.info?.run_name}</title>
          </polyline>
        );
      })}
    </svg>
  );
}
