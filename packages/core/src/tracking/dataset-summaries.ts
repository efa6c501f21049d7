import { type DatasetSummaryWire, datasets, inputs, inputTags, MlflowError } from "@edgeflow/schema";
import { and, eq, inArray } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonValues } from "../json-rows";
import { DATASET_CONTEXT_TAG } from "./system-tags";

/** MLflow's search_datasets_handler and SqlAlchemyStore._search_datasets limits. */
const MAX_EXPERIMENT_IDS_PER_REQUEST = 20;
const MAX_DATASET_SUMMARIES_RESULTS = 1000;

/** The handler's checks, in its words; the route's access rule runs them before naming experiments. */
export function validateSearchDatasets(experimentIds: readonly string[] | undefined): readonly string[] {
  const ids = experimentIds ?? [];
  if (ids.length === 0) {
    throw MlflowError.invalidParameter("SearchDatasets request must specify at least one experiment_id.");
  }
  if (ids.length > MAX_EXPERIMENT_IDS_PER_REQUEST) {
    throw MlflowError.invalidParameter(
      `SearchDatasets request cannot specify more than ${MAX_EXPERIMENT_IDS_PER_REQUEST} experiment_ids. Received ${ids.length} experiment_ids.`,
    );
  }
  return ids;
}

/**
 * POST ajax-api/2.0/mlflow/experiments/search-datasets: the distinct (experiment, name, digest,
 * context) of every dataset some run of the experiments used, context from the input's
 * `mlflow.data.context` tag (null without one), at most 1000, as MLflow's SQL store answers.
 */
export async function searchDatasetSummaries(
  ctx: TrackingContext,
  experimentIds: readonly string[] | undefined,
): Promise<DatasetSummaryWire[]> {
  // An id that is not a number names no experiment (MLflow's integer column matches none).
  const ids = validateSearchDatasets(experimentIds)
    .filter((id) => /^\d{1,18}$/.test(id))
    .map(Number);
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .selectDistinct({
      experimentId: datasets.experimentId,
      name: datasets.name,
      digest: datasets.digest,
      context: inputTags.value,
    })
    .from(datasets)
    .innerJoin(inputs, eq(inputs.sourceId, datasets.datasetUuid))
    .leftJoin(
      inputTags,
      and(eq(inputTags.inputUuid, inputs.inputUuid), eq(inputTags.name, DATASET_CONTEXT_TAG)),
    )
    .where(inArray(datasets.experimentId, jsonValues(ids)))
    .limit(MAX_DATASET_SUMMARIES_RESULTS);
  return rows.map((row) => ({
    experiment_id: String(row.experimentId),
    name: row.name,
    digest: row.digest,
    context: row.context ?? null,
  }));
}
