import {
  type Infer,
  invalidValue,
  type ModelVersionWire,
  type RegisteredModelWire,
  type SearchRegisteredModels,
} from "@edgeflow/schema";
import type { TrackingContext } from "../context";
import { slices } from "../db";
import { limits } from "../limits";
import {
  compileModelVersionSearch,
  compileRegisteredModelSearch,
  decodePageToken,
  encodePageToken,
} from "../search";
import { validateMaxResults } from "../validation";
import { loadModelVersions, loadRegisteredModels } from "./reader";
import { modelVersionToWire, registeredModelToWire } from "./wire";

/** A search request: SearchRegisteredModels and SearchModelVersions carry the same fields. */
type SearchInput = Infer<typeof SearchRegisteredModels.spec>;

/**
 * MLflow's handlers refuse an oversized max_results before the store sees it, with the generic
 * message (and, these endpoints being GETs, the value's type is a string); the store refuses
 * anything below 1.
 */
function maxResultsOf(input: SearchInput, fallback: number, max: number): number {
  if ((input.max_results ?? 0) > max) throw invalidValue(String(input.max_results), "max_results");
  return validateMaxResults(input.max_results, fallback, max);
}

export async function searchRegisteredModels(
  ctx: TrackingContext,
  input: SearchInput,
): Promise<{ registered_models: RegisteredModelWire[]; next_page_token?: string }> {
  const maxResults = maxResultsOf(
    input,
    limits.searchRegisteredModelsDefault,
    limits.searchRegisteredModelsMax,
  );
  const offset = decodePageToken(input.page_token);
  const query = compileRegisteredModelSearch({
    filter: input.filter,
    orderBy: input.order_by,
    offset,
    // One extra row tells whether another page exists.
    limit: maxResults + 1,
    visible: ctx.readScope?.registeredModels,
  });
  const names = (await ctx.db.all<{ name: string }>(query)).map((row) => row.name);
  const page = await loadRegisteredModels(ctx, names.slice(0, maxResults));
  return {
    registered_models: page.map(registeredModelToWire),
    next_page_token: names.length > maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}

// Versions are loaded in slices so each id list, sent as one JSON parameter, stays small.
const LOAD_SLICE = 2000;

export async function searchModelVersions(
  ctx: TrackingContext,
  input: SearchInput,
): Promise<{ model_versions: ModelVersionWire[]; next_page_token?: string }> {
  const maxResults = maxResultsOf(input, limits.searchModelVersionsDefault, limits.searchModelVersionsMax);
  const offset = decodePageToken(input.page_token);
  const query = compileModelVersionSearch({
    filter: input.filter,
    orderBy: input.order_by,
    offset,
    limit: maxResults + 1,
    visible: ctx.readScope?.registeredModels,
  });
  const keys = await ctx.db.all<{ name: string; version: number }>(query);
  const page = keys.slice(0, maxResults);
  const versions: ModelVersionWire[] = [];
  for (const slice of slices(page, LOAD_SLICE)) {
    for (const parts of await loadModelVersions(ctx, slice)) {
      versions.push(modelVersionToWire(parts));
    }
  }
  return {
    model_versions: versions,
    next_page_token: keys.length > maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}
