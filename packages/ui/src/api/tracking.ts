/** Typed calls to the tracking API; shapes are the wire types declared once in @edgeflow/schema. */
import type {
  ExperimentWire,
  MetricBandWire,
  MetricWithRunIdWire,
  RunInfoWire,
  RunWire,
  ViewType,
} from "@edgeflow/schema";
import { get, post } from "./client";

export type { ExperimentWire, MetricBandWire, MetricWithRunIdWire, RunInfoWire, RunWire, ViewType };

export async function searchExperiments(opts: { filter?: string; view?: ViewType; pageToken?: string }) {
  return post<{ experiments?: ExperimentWire[]; next_page_token?: string }>("experiments/search", {
    max_results: 1000,
    filter: opts.filter || undefined,
    view_type: opts.view ?? "ACTIVE_ONLY",
    page_token: opts.pageToken,
  });
}

export const getExperiment = (id: string) =>
  get<{ experiment: ExperimentWire }>("experiments/get", { experiment_id: id }).then((r) => r.experiment);
export const createExperiment = (name: string) =>
  post<{ experiment_id: string }>("experiments/create", { name }).then((r) => r.experiment_id);
export const renameExperiment = (id: string, name: string) =>
  post("experiments/update", { experiment_id: id, new_name: name });
export const deleteExperiment = (id: string) => post("experiments/delete", { experiment_id: id });
export const restoreExperiment = (id: string) => post("experiments/restore", { experiment_id: id });

export interface RunSearch {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  view?: ViewType;
}

/** Every matching run, page by page (no cap); `onPage` sees the runs so far as they arrive. */
export async function searchAllRuns(
  search: RunSearch,
  onPage?: (runs: RunWire[]) => void,
): Promise<RunWire[]> {
  const runs: RunWire[] = [];
  let pageToken: string | undefined;
  do {
    const page = await post<{ runs?: RunWire[]; next_page_token?: string }>("runs/search", {
      experiment_ids: search.experimentIds,
      filter: search.filter || undefined,
      order_by: search.orderBy?.length ? search.orderBy : undefined,
      run_view_type: search.view ?? "ACTIVE_ONLY",
      max_results: 1000,
      page_token: pageToken,
    });
    runs.push(...(page.runs ?? []));
    onPage?.(runs);
    pageToken = page.next_page_token;
  } while (pageToken);
  return runs;
}

export const getRun = (id: string) => get<{ run: RunWire }>("runs/get", { run_id: id }).then((r) => r.run);

export interface SampledMetric {
  metrics: MetricWithRunIdWire[];
  bands: MetricBandWire[];
}

/** Server-side downsampled history of one metric for up to 100 runs (get-history-bulk-interval). */
export async function metricInterval(
  runIds: string[],
  key: string,
  opts: { maxResults?: number; start?: number; end?: number; minMax?: boolean } = {},
): Promise<SampledMetric> {
  const body = await get<{ metrics?: MetricWithRunIdWire[]; bands?: MetricBandWire[] }>(
    "metrics/get-history-bulk-interval",
    {
      run_ids: runIds,
      metric_key: key,
      max_results: opts.maxResults ?? 1000,
      start_step: opts.start,
      end_step: opts.end,
      min_max: opts.minMax || undefined,
    },
  );
  return { metrics: body.metrics ?? [], bands: body.bands ?? [] };
}
