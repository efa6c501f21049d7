import { type Infer, invalidValue, type RunWire, type SearchRuns } from "@edgeflow/schema";
import type { TrackingContext } from "../context";
import { slices } from "../db";
import { experimentIdNumber } from "../experiment-id";
import { limits } from "../limits";
import { compileRunSearch, decodePageToken, encodePageToken } from "../search";
import { validateMaxResults } from "../validation";
import { loadRuns } from "./run-reader";
import { runToWire } from "./wire";

// Experiment ids are integers; anything else matches no experiment, as on MLflow's SQL store.

export async function searchRuns(
  ctx: TrackingContext,
  input: Infer<typeof SearchRuns.spec>,
): Promise<{ runs: RunWire[]; next_page_token?: string }> {
  // MLflow's handler refuses an oversized max_results before its store sees it, with this message.
  if ((input.max_results ?? 0) > limits.searchRunsMaxResults)
    throw invalidValue(input.max_results, "max_results");
  const maxResults = validateMaxResults(
    input.max_results,
    limits.searchMaxResultsDefault,
    limits.searchRunsMaxResults,
  );
  const offset = decodePageToken(input.page_token);
  const experimentIds = (input.experiment_ids ?? []).flatMap((id) => experimentIdNumber(id) ?? []);
  const query = compileRunSearch({
    experimentIds,
    filter: input.filter,
    viewType: input.run_view_type ?? "ACTIVE_ONLY",
    orderBy: input.order_by,
    offset,
    limit: maxResults + 1,
  });
  const ids = (await ctx.db.all<{ run_uuid: string }>(query)).map((row) => row.run_uuid);
  const page = ids.slice(0, maxResults);
  const runs: RunWire[] = [];
  // Loaded in slices so the id list, sent as one JSON parameter, stays far below SQLite's limits.
  for (const slice of slices(page, 2000)) {
    for (const parts of await loadRuns(ctx, slice)) runs.push(runToWire(parts));
  }
  return {
    runs,
    next_page_token: ids.length > maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}
