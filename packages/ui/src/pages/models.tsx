/** Registered models: search and create. */
import { useState } from "preact/hooks";
import { createModel, searchModels } from "../api/registry";
import { ErrorBox } from "../components/error-box";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { formatTime } from "../format";
import { useAsync } from "../hooks/use-async";
import { navigate, useQueryState } from "../router";

export function ModelsPage() {
  const [query, setQuery] = useQueryState();
  const filter = query.get("filter") ?? "";
  const models = useAsync(() => searchModels(filter), [filter]);
  const [draft, setDraft] = useState(filter);
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>();
  return (
    <>
      <h1>Registered models</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ filter: draft });
        }}
      >
        <input
          class="filter"
          placeholder="name LIKE '%classifier%'"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          createModel(name.trim()).then(
            () => navigate(`/models/${encodeURIComponent(name.trim())}`),
            setError,
          );
        }}
      >
        <input placeholder="New model name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={!name.trim()}>
          Create model
        </button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
      <Loaded value={models}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">No registered models.</p>
          ) : (
            <table class="list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Latest versions</th>
                  <th>Aliases</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.name}>
                    <td>
                      <Link href={`/models/${encodeURIComponent(m.name ?? "")}`}>{m.name}</Link>
                    </td>
                    <td>
                      {(m.latest_versions ?? []).map((v) => `v${v.version} (${v.current_stage})`).join(", ")}
                    </td>
                    <td>
                      {(m.aliases ?? []).map((a) => (
                        <span key={a.alias} class="badge">
                          @{a.alias} → v{a.version}
                        </span>
                      ))}
                    </td>
                    <td>{formatTime(m.last_updated_timestamp)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}
