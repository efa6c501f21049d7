/** An experiment's traces: newest first, with previews, state and duration. */
import { useState } from "preact/hooks";
import { searchTraces } from "../api/traces";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { useAsync } from "../hooks/use-async";
import { useQueryState } from "../router";

export function TracesPage({ experimentId }: { experimentId: string }) {
  const [query, setQuery] = useQueryState();
  const filter = query.get("filter") ?? "";
  const traces = useAsync(() => searchTraces(experimentId, filter), [experimentId, filter]);
  const [draft, setDraft] = useState(filter);
  return (
    <>
      <h1>
        <Link href={`/experiments/${experimentId}`}>Experiment {experimentId}</Link> › Traces
      </h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ filter: draft });
        }}
      >
        <input
          class="filter"
          placeholder="trace.status = 'OK'"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      <Loaded value={traces}>
        {(page) =>
          (page.traces ?? []).length === 0 ? (
            <p class="muted">No traces.</p>
          ) : (
            <table class="list">
              <thead>
                <tr>
                  <th>Trace</th>
                  <th>Request</th>
                  <th>Response</th>
                  <th>State</th>
                  <th>Time</th>
                  <th>Duration</th>
                </tr>
              </thead>
              <tbody>
                {(page.traces ?? []).map((t) => (
                  <tr key={t.trace_id}>
                    <td>
                      <Link href={`/traces/${t.trace_id}`}>{t.trace_id.slice(0, 14)}</Link>
                    </td>
                    <td>{t.request_preview?.slice(0, 80)}</td>
                    <td>{t.response_preview?.slice(0, 80)}</td>
                    <td>{t.state}</td>
                    <td>{t.request_time}</td>
                    <td>{t.execution_duration}</td>
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
