/**
 * The runs table's data model, apart from rendering: runs indexed for cell lookup, the columns
 * the URL asks for, MLflow order_by clauses for a column, and grouping with aggregates.
 */
import type { RunWire } from "../api/tracking";

export type Kind = "metrics" | "params" | "tags";
export interface IndexedRun {
  run: RunWire;
  metrics: Map<string, number | string>;
  params: Map<string, string>;
  tags: Map<string, string>;
}

export function indexRun(run: RunWire): IndexedRun {
  return {
    run,
    metrics: new Map((run.data?.metrics ?? []).map((m) => [m.key, m.value])),
    params: new Map((run.data?.params ?? []).map((p) => [p.key, p.value ?? ""])),
    tags: new Map((run.data?.tags ?? []).map((t) => [t.key, t.value ?? ""])),
  };
}

/** "metrics.loss" → ["metrics", "loss"]. */
export function splitColumn(id: string): [Kind, string] | null {
  const dot = id.indexOf(".");
  const kind = id.slice(0, dot);
  if (kind !== "metrics" && kind !== "params" && kind !== "tags") return null;
  return [kind, id.slice(dot + 1)];
}

export function cellValue(run: IndexedRun, id: string): number | string | undefined {
  const parts = splitColumn(id);
  return parts ? run[parts[0]].get(parts[1]) : undefined;
}

/** Every metric, param and tag key seen in the runs (tags minus MLflow's own mlflow.*). */
export function availableColumns(runs: IndexedRun[]): string[] {
  const seen = { metrics: new Set<string>(), params: new Set<string>(), tags: new Set<string>() };
  for (const run of runs) {
    for (const kind of ["metrics", "params", "tags"] as const)
      for (const key of run[kind].keys()) seen[kind].add(key);
  }
  return [
    ...[...seen.metrics].sort().map((k) => `metrics.${k}`),
    ...[...seen.params].sort().map((k) => `params.${k}`),
    ...[...seen.tags]
      .filter((k) => !k.startsWith("mlflow."))
      .sort()
      .map((k) => `tags.${k}`),
  ];
}

/** The columns shown: the URL's `cols` list, or by default every metric and param. */
export function chosenColumns(param: string | null, available: string[]): string[] {
  if (param !== null) return param.split(",").filter(Boolean);
  return available.filter((id) => !id.startsWith("tags."));
}

/** An MLflow order_by clause for a column id (backticks keep keys with dots or spaces whole). */
export function orderClause(id: string, desc: boolean): string {
  const parts = splitColumn(id);
  const field = parts ? `${parts[0]}.\`${parts[1]}\`` : id;
  return `${field} ${desc ? "DESC" : "ASC"}`;
}

export interface GroupRow {
  group: string;
  count: number;
  /** Mean of each numeric column over the group's runs. */
  means: Map<string, number>;
}
export type Row = IndexedRun | GroupRow;
export const isGroup = (row: Row): row is GroupRow => "group" in row;

/** Runs grouped by one column's value, each group headed by its count and column means. */
export function groupRows(runs: IndexedRun[], by: string, columns: string[]): Row[] {
  const groups = new Map<string, IndexedRun[]>();
  for (const run of runs) {
    const key = String(cellValue(run, by) ?? "(none)");
    const list = groups.get(key) ?? [];
    list.push(run);
    groups.set(key, list);
  }
  const rows: Row[] = [];
  for (const [group, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const means = new Map<string, number>();
    for (const id of columns) {
      const values = members.map((r) => Number(cellValue(r, id))).filter((v) => Number.isFinite(v));
      if (values.length) means.set(id, values.reduce((a, b) => a + b, 0) / values.length);
    }
    rows.push({ group, count: members.length, means }, ...members);
  }
  return rows;
}
