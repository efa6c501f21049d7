/**
 * An MLflow 3 logged model: its details, params, metrics and tags, its artifacts, the run that
 * logged it and the registered versions made from it (a `models:/<id>` source, or its model_id).
 */
import type { LoggedModelWire } from "@edgeflow/schema";
import { loggedModelArtifacts } from "../api/artifacts";
import { get } from "../api/client";
import { type ModelVersionWire, searchVersions } from "../api/registry";
import { KeyValueTable } from "../components/kv-table";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { useTabs } from "../components/tabs";
import { formatTime, formatValue } from "../format";
import { useAsync } from "../hooks/use-async";
import { ArtifactBrowser } from "./artifacts";

const getLoggedModel = (id: string) =>
  get<{ model: LoggedModelWire }>(`logged-models/${encodeURIComponent(id)}`).then((r) => r.model);

/** Versions registered from the model: by source, and by model_id among its run's versions. */
async function versionsOf(model: LoggedModelWire): Promise<ModelVersionWire[]> {
  const id = model.info?.model_id ?? "";
  const runId = model.info?.source_run_id;
  const [bySource, byRun] = await Promise.all([
    searchVersions(`source_path = 'models:/${id}'`),
    runId ? searchVersions(`run_id = '${runId}'`) : Promise.resolve([]),
  ]);
  const seen = new Map<string, ModelVersionWire>();
  for (const v of [...bySource, ...byRun.filter((v) => v.model_id === id)])
    seen.set(`${v.name}/${v.version}`, v);
  return [...seen.values()];
}

const TABS: [string, string][] = [
  ["overview", "Overview"],
  ["artifacts", "Artifacts"],
];

export function LoggedModelPage({ modelId }: { modelId: string }) {
  const model = useAsync(() => getLoggedModel(modelId), [modelId]);
  const [tab, bar] = useTabs(TABS);
  return (
    <>
      <h1>
        Logged model {model.value?.info?.name ?? ""} <span class="muted">{modelId}</span>
      </h1>
      {bar}
      <Loaded value={model}>
        {(m) =>
          tab === "artifacts" ? (
            <ArtifactBrowser source={loggedModelArtifacts(modelId)} />
          ) : (
            <Overview model={m} />
          )
        }
      </Loaded>
    </>
  );
}

function Overview({ model }: { model: LoggedModelWire }) {
  const info = model.info ?? {};
  const versions = useAsync(() => versionsOf(model), [info.model_id]);
  return (
    <>
      <KeyValueTable
        rows={[
          ["Status", info.status ?? ""],
          ["Type", info.model_type ?? ""],
          ["Experiment", <Link href={`/experiments/${info.experiment_id}`}>{info.experiment_id ?? ""}</Link>],
          [
            "Source run",
            info.source_run_id ? <Link href={`/runs/${info.source_run_id}`}>{info.source_run_id}</Link> : "",
          ],
          ["Created", formatTime(info.creation_timestamp_ms)],
          ["Updated", formatTime(info.last_updated_timestamp_ms)],
          ["Artifact URI", info.artifact_uri ?? ""],
        ]}
      />
      <h2>Registered versions</h2>
      <Loaded value={versions}>
        {(list) => (
          <KeyValueTable
            rows={list.map((v) => [
              `${v.name} v${v.version}`,
              <Link href={`/models/${encodeURIComponent(v.name ?? "")}/versions/${v.version}`}>
                {v.current_stage && v.current_stage !== "None" ? v.current_stage : "Open"}
              </Link>,
            ])}
            empty="Not registered."
          />
        )}
      </Loaded>
      <h2>Parameters</h2>
      <KeyValueTable
        rows={(model.data?.params ?? []).map((p) => [p.key ?? "", p.value ?? ""])}
        empty="No parameters."
      />
      <h2>Metrics</h2>
      <KeyValueTable
        rows={(model.data?.metrics ?? []).map((m) => [
          `${m.key ?? ""}${m.step ? ` (step ${m.step})` : ""}`,
          formatValue(m.value),
        ])}
        empty="No metrics."
      />
      <h2>Tags</h2>
      <KeyValueTable
        rows={(info.tags ?? [])
          .filter((t) => !t.key?.startsWith("mlflow."))
          .map((t) => [t.key ?? "", t.value ?? ""])}
        empty="No tags."
      />
    </>
  );
}
