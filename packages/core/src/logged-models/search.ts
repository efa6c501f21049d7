import { type LoggedModelWire, MlflowError, type SearchLoggedModelsInput } from "@edgeflow/schema";
import type { TrackingContext } from "../context";
import { experimentIdNumber } from "../experiment-id";
import { compileLoggedModelSearch } from "../search";
import { validateMaxResults } from "../validation";
import { decodeSearchToken, encodeSearchToken, type SearchIdentity } from "./page-token";
import { loadLoggedModels } from "./reader";
import { loggedModelLimits } from "./validation";
import { loggedModelToWire } from "./wire";

/** The search as MLflow's handler hands it to its store: what a page token must match. */
function identityOf(input: SearchLoggedModelsInput): SearchIdentity {
  const orderBy = (input.order_by ?? []).map((entry) => ({
    field_name: entry.field_name,
    ascending: entry.ascending ?? true,
    dataset_name: entry.dataset_name || null,
    dataset_digest: entry.dataset_digest || null,
  }));
  return {
    experiment_ids: input.experiment_ids,
    filter_string: input.filter || null,
    order_by: orderBy.length > 0 ? orderBy : null,
  };
}

/** POST logged-models/search: one page of models, newest first unless ordered otherwise. */
export async function searchLoggedModels(
  ctx: TrackingContext,
  input: SearchLoggedModelsInput,
): Promise<{ models: LoggedModelWire[]; next_page_token?: string }> {
  const experimentIds = input.experiment_ids.map((id) => {
    if (experimentIdNumber(id) === undefined)
      throw MlflowError.invalidParameter(`Invalid experiment ID: '${id}'`);
    return Number(id);
  });
  // MLflow treats 0 like an absent max_results.
  const maxResults = validateMaxResults(
    input.max_results || undefined,
    loggedModelLimits.searchMaxResultsDefault,
    loggedModelLimits.searchMaxResults,
  );
  const identity = identityOf(input);
  const offset = decodeSearchToken(input.page_token, identity);
  const query = compileLoggedModelSearch({
    experimentIds,
    filter: input.filter,
    datasets: (input.datasets ?? []).map((d) => ({
      name: d.dataset_name,
      digest: d.dataset_digest || undefined,
    })),
    orderBy: (input.order_by ?? []).map((entry) => ({
      fieldName: entry.field_name,
      ascending: entry.ascending ?? true,
      datasetName: entry.dataset_name || undefined,
      datasetDigest: entry.dataset_digest || undefined,
    })),
    offset,
    limit: maxResults + 1,
  });
  const ids = (await ctx.db.all<{ model_id: string }>(query)).map((row) => row.model_id);
  const page = ids.slice(0, maxResults);
  return {
    models: (await loadLoggedModels(ctx, page)).map(loggedModelToWire),
    next_page_token: ids.length > maxResults ? encodeSearchToken(identity, offset + maxResults) : undefined,
  };
}
