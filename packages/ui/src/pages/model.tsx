/** One registered model: its versions (stage, aliases, source run), tags, and alias moves. */
import { SHADOW_TAG_PREFIX, TRAFFIC_TAG_PREFIX } from "@edgeflow/schema/wire";
import { useState } from "preact/hooks";
import { getModel, searchVersions, setAlias, setModelTag } from "../api/registry";
import { ErrorBox } from "../components/error-box";
import { KeyValueTable } from "../components/kv-table";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { TagForm } from "../components/tag-form";
import { formatTime } from "../format";
import { useAsync } from "../hooks/use-async";

const quote = (name: string) => `'${name.replace(/'/g, "''")}'`;

/** What the inference worker does with an alias's requests, from its routing tags (shown raw). */
function routingOf(tags: { key?: string; value?: string }[], alias: string | undefined): string {
  const value = (prefix: string) => tags.find((t) => alias && t.key === prefix + alias)?.value;
  const split = value(TRAFFIC_TAG_PREFIX);
  const shadow = value(SHADOW_TAG_PREFIX);
  return `${split ? ` · traffic ${split}` : ""}${shadow ? ` · shadow v${shadow.replace(/^v/, "")}` : ""}`;
}

export function ModelPage({ name }: { name: string }) {
  const model = useAsync(() => getModel(name), [name]);
  const versions = useAsync(() => searchVersions(`name = ${quote(name)}`), [name]);
  const [error, setError] = useState<unknown>();
  const [alias, setAliasName] = useState("");
  const [aliasVersion, setAliasVersion] = useState("");
  const run = (action: Promise<unknown>) =>
    action.then(() => {
      setError(undefined);
      model.reload();
    }, setError);
  const base = `/models/${encodeURIComponent(name)}`;
  return (
    <>
      <h1>
        <Link href="/models">Models</Link> › {name}
      </h1>
      {error !== undefined && <ErrorBox error={error} />}
      <Loaded value={model}>
        {(m) => (
          <>
            <KeyValueTable
              rows={[
                ["Description", m.description ?? ""],
                ["Created", formatTime(m.creation_timestamp)],
                [
                  "Aliases",
                  <span data-testid="aliases">
                    {(m.aliases ?? []).map((a) => (
                      <span key={a.alias} class="badge">
                        @{a.alias} → v{a.version}
                        {routingOf(m.tags ?? [], a.alias)}
                      </span>
                    ))}
                  </span>,
                ],
                ...(m.tags ?? []).map((t): [string, string] => [`tag ${t.key}`, t.value ?? ""]),
              ]}
            />
            <form
              class="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                run(setAlias(name, alias.trim(), aliasVersion.trim()));
              }}
            >
              <input
                name="alias"
                placeholder="alias (e.g. champion)"
                value={alias}
                onInput={(e) => setAliasName(e.currentTarget.value)}
              />
              <input
                name="alias-version"
                placeholder="version"
                size={6}
                value={aliasVersion}
                onInput={(e) => setAliasVersion(e.currentTarget.value)}
              />
              <button type="submit">Set alias</button>
            </form>
            <TagForm onSet={(key, value) => run(setModelTag(name, key, value))} />
          </>
        )}
      </Loaded>
      <h2>Versions</h2>
      <Loaded value={versions}>
        {(list) => (
          <table class="list">
            <thead>
              <tr>
                <th>Version</th>
                <th>Stage</th>
                <th>Aliases</th>
                <th>Source run</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {[...list]
                .sort((a, b) => Number(b.version) - Number(a.version))
                .map((v) => (
                  <tr key={v.version}>
                    <td>
                      <Link href={`${base}/versions/${v.version}`}>Version {v.version}</Link>
                    </td>
                    <td>{v.current_stage}</td>
                    <td>{(v.aliases ?? []).map((a) => `@${a}`).join(" ")}</td>
                    <td>{v.run_id ? <Link href={`/runs/${v.run_id}`}>{v.run_id.slice(0, 8)}</Link> : ""}</td>
                    <td>{formatTime(v.creation_timestamp)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </>
  );
}
