/** Experiments: search, create, rename, delete and restore. */
import { useState } from "preact/hooks";
import { ApiError } from "../api/client";
import {
  createExperiment,
  deleteExperiment,
  type ExperimentWire,
  renameExperiment,
  restoreExperiment,
  searchExperiments,
} from "../api/tracking";
import { ErrorBox } from "../components/error-box";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { formatTime } from "../format";
import { useAsync } from "../hooks/use-async";
import { navigate, useQueryState } from "../router";

export function ExperimentsPage() {
  const [query, setQuery] = useQueryState();
  const filter = query.get("filter") ?? "";
  const view = query.get("view") === "deleted" ? "DELETED_ONLY" : "ACTIVE_ONLY";
  const list = useAsync(() => searchExperiments({ filter, view }), [filter, view]);
  const [draft, setDraft] = useState(filter);
  const [newName, setNewName] = useState("");
  const [actionError, setActionError] = useState<unknown>();

  const act = async (action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
      list.reload();
    } catch (error) {
      setActionError(error);
    }
  };
  const filterError = list.error instanceof ApiError && list.error.status === 400 ? list.error : undefined;

  return (
    <>
      <h1>Experiments</h1>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery({ filter: draft });
        }}
      >
        <input
          class={`filter${filterError ? " invalid" : ""}`}
          name="filter"
          placeholder="Filter, e.g. name LIKE '%mnist%'"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <select
          value={view === "DELETED_ONLY" ? "deleted" : "active"}
          onChange={(event) =>
            setQuery({ view: event.currentTarget.value === "deleted" ? "deleted" : undefined })
          }
        >
          <option value="active">Active</option>
          <option value="deleted">Deleted</option>
        </select>
      </form>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            const id = await createExperiment(newName.trim());
            setNewName("");
            navigate(`/experiments/${id}`);
          });
        }}
      >
        <input
          name="new-experiment"
          placeholder="New experiment name"
          value={newName}
          onInput={(event) => setNewName(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={!newName.trim()}>
          Create experiment
        </button>
      </form>
      {actionError !== undefined && <ErrorBox error={actionError} />}
      <Loaded value={list}>
        {(page) => (
          <ExperimentTable
            experiments={page.experiments ?? []}
            deleted={view === "DELETED_ONLY"}
            act={(action) => void act(action)}
          />
        )}
      </Loaded>
    </>
  );
}

function ExperimentTable(props: {
  experiments: ExperimentWire[];
  deleted: boolean;
  act: (action: () => Promise<unknown>) => void;
}) {
  if (props.experiments.length === 0) return <p class="muted">No experiments match.</p>;
  return (
    <table class="list">
      <thead>
        <tr>
          <th>Name</th>
          <th>ID</th>
          <th>Created</th>
          <th>Last update</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.experiments.map((exp) => (
          <tr key={exp.experiment_id}>
            <td>
              <Link href={`/experiments/${exp.experiment_id}`}>{exp.name}</Link>
            </td>
            <td>{exp.experiment_id}</td>
            <td>{formatTime(exp.creation_time)}</td>
            <td>{formatTime(exp.last_update_time)}</td>
            <td>
              {props.deleted ? (
                <button
                  type="button"
                  onClick={() => props.act(() => restoreExperiment(exp.experiment_id ?? ""))}
                >
                  Restore
                </button>
              ) : (
                <>
                  <button
                    type="button"
                    onClick={() => {
                      const name = prompt("New name", exp.name);
                      if (name) props.act(() => renameExperiment(exp.experiment_id ?? "", name));
                    }}
                  >
                    Rename
                  </button>{" "}
                  <button
                    type="button"
                    onClick={() => {
                      if (confirm(`Delete experiment "${exp.name}"?`))
                        props.act(() => deleteExperiment(exp.experiment_id ?? ""));
                    }}
                  >
                    Delete
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
