/** A run: overview, params, metrics with charts, tags, datasets, logged models, children, artifacts. */
import { runArtifacts } from "../api/artifacts";
import { getRun, type RunWire, searchAllRuns } from "../api/tracking";
import { KeyValueTable } from "../components/kv-table";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { MetricChart } from "../components/metric-chart";
import { useTabs } from "../components/tabs";
import { formatDuration, formatTime, formatValue } from "../format";
import { useAsync } from "../hooks/use-async";
import { ArtifactBrowser } from "./artifacts";

const TABS: [string, string][] = [
  ["overview", "Overview"],
  ["metrics", "Metrics"],
  ["params", "Parameters"],
  ["tags", "Tags"],
  ["inputs", "Datasets & models"],
  ["children", "Child runs"],
  ["artifacts", "Artifacts"],
];

export function RunPage({ runId }: { runId: string }) {
  const run = useAsync(() => getRun(runId), [runId]);
  const [tab, bar] = useTabs(TABS);
  return (
    <Loaded value={run}>
      {(r) => (
        <>
          <h1>
            <Link href={`/experiments/${r.info?.experiment_id}`}>Experiment {r.info?.experiment_id}</Link> ›{" "}
            {r.info?.run_name || runId}
          </h1>
          {bar}
          <RunTab tab={tab} run={r} />
        </>
      )}
    </Loaded>
  );
}

function RunTab({ tab, run }: { tab: string; run: RunWire }) {
  const info = run.info ?? {};
  const runId = info.run_id ?? "";
  const tags = run.data?.tags ?? [];
  switch (tab) {
    case "metrics": {
      const keys = (run.data?.metrics ?? []).map((m) => m.key).sort();
      if (keys.length === 0) return <p class="muted">No metrics logged.</p>;
      const labels = new Map([[runId, info.run_name ?? runId]]);
      return (
        <div class="charts">
          {keys.map((key) => (
            <MetricChart key={key} metricKey={key} runIds={[runId]} labels={labels} />
          ))}
        </div>
      );
    }
    case "params":
      return (
        <KeyValueTable
          rows={(run.data?.params ?? []).map((p) => [p.key, p.value ?? ""])}
          empty="No parameters."
        />
      );
    case "tags":
      return <KeyValueTable rows={tags.map((t) => [t.key, t.value ?? ""])} empty="No tags." />;
    case "inputs":
      return <Inputs run={run} />;
    case "children":
      return <ChildRuns experimentId={info.experiment_id ?? ""} runId={runId} />;
    case "artifacts":
      return <ArtifactBrowser source={runArtifacts(runId)} />;
    default:
      return (
        <>
          <KeyValueTable
            rows={[
              ["Run ID", runId],
              ["Status", info.status ?? ""],
              ["Started", formatTime(info.start_time)],
              ["Duration", info.end_time ? formatDuration(info.end_time - (info.start_time ?? 0)) : ""],
              ["User", info.user_id ?? ""],
              ["Artifact URI", info.artifact_uri ?? ""],
              ["Lifecycle", info.lifecycle_stage ?? ""],
              ...parentRow(tags),
            ]}
          />
          <h2>Latest metrics</h2>
          <KeyValueTable
            rows={(run.data?.metrics ?? []).map((m) => [
              m.key,
              `${formatValue(m.value)} (step ${m.step ?? 0})`,
            ])}
            empty="No metrics."
          />
        </>
      );
  }
}

function parentRow(tags: { key: string; value?: string }[]): [string, preact.ComponentChildren][] {
  const parent = tags.find((t) => t.key === "mlflow.parentRunId")?.value;
  return parent ? [["Parent run", <Link href={`/runs/${parent}`}>{parent}</Link>]] : [];
}

function Inputs({ run }: { run: RunWire }) {
  const datasets = run.inputs?.dataset_inputs ?? [];
  const models = [
    ...(run.inputs?.model_inputs ?? []).map((m) => ({ id: m.model_id, role: "input" })),
    ...(run.outputs?.model_outputs ?? []).map((m) => ({ id: m.model_id, role: `output at step ${m.step}` })),
  ];
  return (
    <>
      <h2>Datasets</h2>
      <KeyValueTable
        rows={datasets.map((d) => [
          `${d.dataset.name} (${d.dataset.digest})`,
          `${d.dataset.source_type}: ${d.dataset.source}${d.tags?.length ? ` — ${d.tags.map((t) => `${t.key}=${t.value}`).join(", ")}` : ""}`,
        ])}
        empty="No datasets logged."
      />
      <h2>Logged models</h2>
      <KeyValueTable
        rows={models.map((m) => [m.id, <Link href={`/logged-models/${m.id}`}>{m.role}</Link>])}
        empty="No logged models."
      />
    </>
  );
}

function ChildRuns({ experimentId, runId }: { experimentId: string; runId: string }) {
  const children = useAsync(
    () => searchAllRuns({ experimentIds: [experimentId], filter: `tags.mlflow.parentRunId = '${runId}'` }),
    [experimentId, runId],
  );
  return (
    <Loaded value={children}>
      {(runs) =>
        runs.length === 0 ? (
          <p class="muted">No child runs.</p>
        ) : (
          <ul>
            {runs.map((child) => (
              <li key={child.info?.run_id}>
                <Link href={`/runs/${child.info?.run_id}`}>{child.info?.run_name || child.info?.run_id}</Link>{" "}
                <span class="muted">{child.info?.status}</span>
              </li>
            ))}
          </ul>
        )
      }
    </Loaded>
  );
}
