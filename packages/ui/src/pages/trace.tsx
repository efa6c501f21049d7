/** One trace: the span tree with a timing bar per span, the selected span's inputs and outputs, assessments. */
import { getTrace, type Span } from "../api/traces";
import { KeyValueTable } from "../components/kv-table";
import { Loaded } from "../components/loading";
import { formatDuration } from "../format";
import { useAsync } from "../hooks/use-async";
import { useQueryState } from "../router";

/** Spans in depth-first order with their depth (orphans, whose parent is missing, at the top level). */
function flatten(spans: Span[]): { span: Span; depth: number }[] {
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string, Span[]>();
  for (const span of spans) {
    const parent = span.parentId && ids.has(span.parentId) ? span.parentId : "";
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const out: { span: Span; depth: number }[] = [];
  const walk = (parent: string, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startNs - b.startNs)) {
      out.push({ span, depth });
      walk(span.id, depth + 1);
    }
  };
  walk("", 0);
  return out;
}

const show = (value: unknown) => {
  if (typeof value !== "string") return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
};

export function TracePage({ traceId }: { traceId: string }) {
  const trace = useAsync(() => getTrace(traceId), [traceId]);
  const [query, setQuery] = useQueryState();
  return (
    <Loaded value={trace}>
      {({ info, spans }) => {
        const rows = flatten(spans);
        const t0 = Math.min(...spans.map((s) => s.startNs));
        const total = Math.max(1, Math.max(...spans.map((s) => s.endNs || s.startNs)) - t0);
        const selected = spans.find((s) => s.id === query.get("span")) ?? rows[0]?.span;
        return (
          <>
            <h1>Trace {traceId}</h1>
            <KeyValueTable
              rows={[
                ["State", info.state ?? ""],
                ["Request time", info.request_time ?? ""],
                ["Duration", info.execution_duration ?? ""],
              ]}
            />
            <div class="split" style={{ marginTop: 12 }}>
              <div class="tree spans" style={{ width: 480 }} data-testid="span-tree">
                {rows.map(({ span, depth }) => (
                  <button
                    type="button"
                    key={span.id}
                    class="span"
                    aria-pressed={span === selected}
                    onClick={() => setQuery({ span: span.id })}
                    style={{ fontWeight: span === selected ? 600 : 400 }}
                  >
                    <span
                      style={{
                        width: 200,
                        paddingLeft: depth * 12,
                        overflow: "hidden",
                        textOverflow: "ellipsis",
                        whiteSpace: "nowrap",
                      }}
                    >
                      {span.name}
                    </span>
                    <span class="track">
                      <span
                        class="bar"
                        style={{
                          position: "absolute",
                          left: `${((span.startNs - t0) / total) * 100}%`,
                          width: `${Math.max(0.5, (((span.endNs || span.startNs) - span.startNs) / total) * 100)}%`,
                        }}
                      />
                    </span>
                    <span class="muted">
                      {formatDuration(Math.round(((span.endNs || span.startNs) - span.startNs) / 1e6))}
                    </span>
                  </button>
                ))}
              </div>
              <div class="preview">
                {selected && (
                  <>
                    <h2>{selected.name}</h2>
                    <h2>Inputs</h2>
                    <pre>{show(selected.attributes["mlflow.spanInputs"] ?? "")}</pre>
                    <h2>Outputs</h2>
                    <pre>{show(selected.attributes["mlflow.spanOutputs"] ?? "")}</pre>
                    <h2>Attributes</h2>
                    <KeyValueTable
                      rows={Object.entries(selected.attributes).map(([k, v]) => [
                        k,
                        typeof v === "string" ? v : JSON.stringify(v),
                      ])}
                    />
                  </>
                )}
              </div>
            </div>
            <h2>Assessments</h2>
            <KeyValueTable
              rows={(info.assessments ?? []).map((a) => [
                a.assessment_name ?? a.assessment_id ?? "",
                `${JSON.stringify(a.feedback?.value ?? a.expectation?.value)}${a.rationale ? ` — ${a.rationale}` : ""} (${a.source?.source_type ?? ""})`,
              ])}
              empty="No assessments."
            />
          </>
        );
      }}
    </Loaded>
  );
}
