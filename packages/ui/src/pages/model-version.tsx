/**
 * A model version: details, stage transitions, tags, lineage back to its run (and experiment),
 * its MLmodel (flavors, signature) and, for served flavors, a try-it panel.
 */
import { useState } from "preact/hooks";
import { readArtifactHead } from "../api/artifacts";
import { getVersion, setVersionTag, transitionStage, versionArtifactUrl } from "../api/registry";
import { getRun } from "../api/tracking";
import { ErrorBox } from "../components/error-box";
import { KeyValueTable } from "../components/kv-table";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { TagForm } from "../components/tag-form";
import { formatTime } from "../format";
import { useAsync } from "../hooks/use-async";
import { parseMlmodel } from "./mlmodel";
import { TryIt } from "./try-it";

const STAGES = ["None", "Staging", "Production", "Archived"];

export function ModelVersionPage({ name, version }: { name: string; version: string }) {
  const mv = useAsync(() => getVersion(name, version), [name, version]);
  const run = useAsync(
    async () => (mv.value?.run_id ? getRun(mv.value.run_id) : undefined),
    [mv.value?.run_id],
  );
  const mlmodel = useAsync(
    () => readArtifactHead(versionArtifactUrl(name, version, "MLmodel")).then((r) => parseMlmodel(r.text)),
    [name, version],
  );
  const [error, setError] = useState<unknown>();
  const act = (p: Promise<unknown>) =>
    p.then(() => {
      setError(undefined);
      mv.reload();
    }, setError);
  const modelHref = `/models/${encodeURIComponent(name)}`;
  return (
    <>
      <h1>
        <Link href="/models">Models</Link> › <Link href={modelHref}>{name}</Link> › Version {version}
      </h1>
      {error !== undefined && <ErrorBox error={error} />}
      <Loaded value={mv}>
        {(v) => (
          <>
            <KeyValueTable
              rows={[
                ["Stage", v.current_stage ?? ""],
                ["Status", v.status ?? ""],
                ["Aliases", (v.aliases ?? []).map((a) => `@${a}`).join(" ")],
                ["Source", v.source ?? ""],
                ["Created", formatTime(v.creation_timestamp)],
                ...(v.tags ?? []).map((t): [string, string] => [`tag ${t.key}`, t.value ?? ""]),
              ]}
            />
            <div class="toolbar">
              Move to stage:
              {STAGES.filter((s) => s !== v.current_stage).map((stage) => (
                <button key={stage} type="button" onClick={() => act(transitionStage(name, version, stage))}>
                  {stage}
                </button>
              ))}
            </div>
            <TagForm onSet={(key, value) => act(setVersionTag(name, version, key, value))} />
            <h2>Lineage</h2>
            {v.run_id ? (
              <Loaded value={run}>
                {(r) => (
                  <p data-testid="lineage">
                    Version {version} ← run{" "}
                    <Link href={`/runs/${v.run_id}`}>{r?.info?.run_name || v.run_id}</Link> ← experiment{" "}
                    <Link href={`/experiments/${r?.info?.experiment_id}`}>{r?.info?.experiment_id}</Link>
                  </p>
                )}
              </Loaded>
            ) : (
              <p class="muted">Not linked to a run.</p>
            )}
          </>
        )}
      </Loaded>
      <h2>Model</h2>
      <Loaded value={mlmodel}>
        {(m) => (
          <>
            <KeyValueTable rows={[["Flavors", m.flavors.join(", ")]]} />
            <KeyValueTable
              rows={m.inputs.map((s, i) => [s.name ?? `[${i}]`, s.type ?? ""])}
              empty="No signature."
            />
            <TryIt name={name} version={version} flavors={m.flavors} />
          </>
        )}
      </Loaded>
    </>
  );
}
