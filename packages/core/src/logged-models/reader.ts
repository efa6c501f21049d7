import {
  type LoggedModelMetricRow,
  type LoggedModelParamRow,
  type LoggedModelRow,
  type LoggedModelTagRow,
  loggedModelMetrics,
  loggedModelParams,
  loggedModels,
  loggedModelTags,
  MlflowError,
} from "@edgeflow/schema";
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonValues } from "../json-rows";
import { groupBy } from "../tracking/run-reader";

export function loggedModelNotFound(modelId: string): MlflowError {
  return MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
}

/**
 * A logged model. Reads do not find deleted ones; MLflow's writes (finalize, tags, params,
 * delete) look a model up by id alone, so they pass `includeDeleted`.
 */
export async function getLoggedModelRow(
  ctx: TrackingContext,
  modelId: string,
  { includeDeleted = false } = {},
): Promise<LoggedModelRow> {
  const row = await ctx.db
    .select()
    .from(loggedModels)
    .where(
      includeDeleted
        ? eq(loggedModels.modelId, modelId)
        : and(eq(loggedModels.modelId, modelId), ne(loggedModels.lifecycleStage, "deleted")),
    )
    .get();
  if (!row) throw loggedModelNotFound(modelId);
  return row;
}

export interface LoggedModelParts {
  model: LoggedModelRow;
  params: LoggedModelParamRow[];
  tags: LoggedModelTagRow[];
  metrics: LoggedModelMetricRow[];
}

/**
 * Whole logged models (info, params, tags, every metric point) for a list of ids in one batch of
 * four queries, in the order of `modelIds`; ids naming no model are skipped.
 */
export async function loadLoggedModels(
  ctx: TrackingContext,
  modelIds: string[],
): Promise<LoggedModelParts[]> {
  if (modelIds.length === 0) return [];
  const ids = jsonValues(modelIds);
  const [modelRows, paramRows, tagRows, metricRows] = await ctx.db.batch([
    ctx.db.select().from(loggedModels).where(inArray(loggedModels.modelId, ids)),
    ctx.db
      .select()
      .from(loggedModelParams)
      .where(inArray(loggedModelParams.modelId, ids))
      .orderBy(asc(loggedModelParams.key)),
    ctx.db
      .select()
      .from(loggedModelTags)
      .where(inArray(loggedModelTags.modelId, ids))
      .orderBy(asc(loggedModelTags.key)),
    ctx.db
      .select()
      .from(loggedModelMetrics)
      .where(inArray(loggedModelMetrics.modelId, ids))
      .orderBy(
        asc(loggedModelMetrics.key),
        asc(loggedModelMetrics.step),
        asc(loggedModelMetrics.timestampMs),
      ),
  ]);
  const byId = new Map(modelRows.map((row) => [row.modelId, row]));
  const paramsOf = groupBy(paramRows, (row) => row.modelId);
  const tagsOf = groupBy(tagRows, (row) => row.modelId);
  const metricsOf = groupBy(metricRows, (row) => row.modelId);
  return modelIds.flatMap((id) => {
    const model = byId.get(id);
    return model
      ? [
          {
            model,
            params: paramsOf.get(id) ?? [],
            tags: tagsOf.get(id) ?? [],
            metrics: metricsOf.get(id) ?? [],
          },
        ]
      : [];
  });
}
