/**
 * An experiment's runs: a table virtualised both ways over every matching run (fetched page by
 * page, no cap), with MLflow's filter DSL (errors shown inline), column choice, server-side sort
 * and grouping. All of it lives in the query string.
 */
import { useMemo, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { getExperiment, type RunWire, searchAllRuns } from "../api/tracking";
import { ErrorBox } from "../components/error-box";
import { Link } from "../components/link";
import { type GridColumn, VirtualGrid } from "../components/virtual-grid";
import { formatDuration, formatTime, formatValue } from "../format";
import { useAsync } from "../hooks/use-async";
import { navigate, useQueryState } from "../router";
import { ColumnPicker } from "./column-picker";
import {
  availableColumns,
  cellValue,
  chosenColumns,
  groupRows,
  type IndexedRun,
  indexRun,
  isGroup,
  orderClause,
  type Row,
} from "./runs-model";

export function RunsPage({ experimentId }: { experimentId: string }) {
  const [query, setQuery] = useQueryState();
  const filter = query.get("filter") ?? "";
  const sort = query.get("sort") ?? "";
  const desc = query.get("desc") !== "0";
  const groupBy = query.get("group") ?? "";
  const experiment = useAsync(() => getExperiment(experimentId), [experimentId]);
  const [progress, setProgress] = useState<RunWire[]>([]);
  const runs = useAsync(
    () =>
      searchAllRuns(
        {
          experimentIds: [experimentId],
          filter,
          orderBy: sort ? [orderClause(sort, desc)] : undefined,
        },
        (sofar) => setProgress([...sofar]),
      ),
    [experimentId, filter, sort, desc],
  );
  const indexed = useMemo(() => (runs.value ?? progress).map(indexRun), [runs.value, progress]);
  const available = useMemo(() => availableColumns(indexed), [indexed]);
  const chosen = chosenColumns(query.get("cols"), available);
  const [draft, setDraft] = useState(filter);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const filterError = runs.error instanceof ApiError && runs.error.status === 400 ? runs.error : undefined;

  const rows: Row[] = useMemo(
    () => (groupBy ? groupRows(indexed, groupBy, chosen) : indexed),
    [indexed, groupBy, chosen.join(",")],
  );
  const columns = useMemo(() => gridColumns(chosen, selected, setSelected), [chosen.join(","), selected]);

  return (
    <>
      <h1>
        <Link href="/">Experiments</Link> › {experiment.value?.name ?? experimentId}{" "}
        <Link href={`/experiments/${experimentId}/traces`} class="badge">
          Traces
        </Link>
      </h1>
      {experiment.error !== undefined && <ErrorBox error={experiment.error} />}
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery({ filter: draft.trim() });
        }}
      >
        <input
          class={`filter${filterError ? " invalid" : ""}`}
          name="filter"
          aria-label="Filter runs"
          placeholder="metrics.loss < 0.5 and params.lr = '0.01'"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <ColumnPicker
          available={available}
          chosen={chosen}
          onChange={(cols) => setQuery({ cols: cols.join(",") })}
        />
        <select
          aria-label="Group by"
          value={groupBy}
          onChange={(event) => setQuery({ group: event.currentTarget.value })}
        >
          <option value="">No grouping</option>
          {available
            .filter((id) => !id.startsWith("metrics."))
            .map((id) => (
              <option key={id} value={id}>
                Group by {id}
              </option>
            ))}
        </select>
        <button
          type="button"
          disabled={selected.size === 0}
          onClick={() => navigate(`/compare?runs=${[...selected].join(",")}`)}
        >
          Compare {selected.size || ""}
        </button>
      </form>
      {filterError && (
        <div class="error" role="alert" data-testid="filter-error">
          {filterError.message}
        </div>
      )}
      {runs.error !== undefined && !filterError && <ErrorBox error={runs.error} />}
      <p class="muted" data-testid="run-count">
        {runs.state === "loading" ? `Loading… ${progress.length} runs` : `${indexed.length} runs`}
        {sort && ` · sorted by ${sort} ${desc ? "↓" : "↑"}`}
      </p>
      <VirtualGrid
        rows={rows}
        columns={columns}
        rowClass={(row) => (isGroup(row) ? "group" : "")}
        onHeaderClick={(column) => {
          if (column.id === "select") return;
          setQuery({ sort: column.id, desc: sort === column.id && desc ? "0" : undefined });
        }}
      />
    </>
  );
}

/** Built-in columns sort by MLflow's attribute names. */
const BUILTIN: [string, string, number, (run: IndexedRun) => string][] = [
  ["attributes.start_time", "Created", 170, (r) => formatTime(r.run.info?.start_time)],
  ["attributes.status", "Status", 90, (r) => r.run.info?.status ?? ""],
  [
    "attributes.end_time",
    "Duration",
    90,
    (r) => (r.run.info?.end_time ? formatDuration(r.run.info.end_time - (r.run.info.start_time ?? 0)) : ""),
  ],
];

function gridColumns(
  chosen: string[],
  selected: Set<string>,
  setSelected: (next: Set<string>) => void,
): GridColumn<Row>[] {
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  return [
    {
      id: "select",
      title: "",
      width: 34,
      cell: (row) =>
        isGroup(row) ? null : (
          <input
            type="checkbox"
            aria-label={`Select ${row.run.info?.run_name}`}
            checked={selected.has(row.run.info?.run_id ?? "")}
            onChange={() => toggle(row.run.info?.run_id ?? "")}
          />
        ),
    },
    {
      id: "attributes.run_name",
      title: "Run",
      width: 200,
      cell: (row) =>
        isGroup(row) ? (
          `${row.group} (${row.count})`
        ) : (
          <Link href={`/runs/${row.run.info?.run_id}`}>{row.run.info?.run_name || row.run.info?.run_id}</Link>
        ),
    },
    ...BUILTIN.map(([id, title, width, read]) => ({
      id,
      title,
      width,
      cell: (row: Row) => (isGroup(row) ? "" : read(row)),
    })),
    ...chosen.map((id) => ({
      id,
      title: id.replace(/^(metrics|params|tags)\./, (_, kind: string) => `${kind[0]?.toUpperCase()}: `),
      width: 130,
      cell: (row: Row) => (isGroup(row) ? formatMean(row.means.get(id)) : formatValue(cellValue(row, id))),
    })),
  ];
}

const formatMean = (mean: number | undefined) => (mean === undefined ? "" : `avg ${formatValue(mean)}`);
