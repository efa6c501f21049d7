import {
  datasets,
  inputs,
  inputTags,
  latestMetrics,
  MlflowError,
  params,
  type RunRow,
  runs,
  tags,
} from "@edgeflow/schema";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { jsonValues } from "../json-rows";
import type { RunParts } from "./wire";

export async function getRunRow(ctx: TrackingContext, runId: string): Promise<RunRow> {
  const row = await ctx.db.select().from(runs).where(eq(runs.runUuid, runId)).get();
  if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return row;
}

export function requireActiveRun(row: RunRow): void {
  if (row.lifecycleStage !== "active") {
    throw MlflowError.invalidParameter(
      `The run ${row.runUuid} must be in the 'active' state. Current state is ${row.lifecycleStage}.`,
    );
  }
}

export function groupBy<T, K>(rows: T[], keyOf: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/**
 * Loads whole runs (info, params, tags, latest metrics, dataset inputs) for a list of ids in five
 * queries, whatever the number of runs, and returns them in the order of `runIds`.
 */
export async function loadRuns(ctx: TrackingContext, runIds: string[]): Promise<RunParts[]> {
  if (runIds.length === 0) return [];
  const ids = jsonValues(runIds);
  const [runRows, paramRows, tagRows, metricRows, inputRows, modelLinkRows] = await ctx.db.batch([
    ctx.db.select().from(runs).where(inArray(runs.runUuid, ids)),
    ctx.db.select().from(params).where(inArray(params.runUuid, ids)).orderBy(asc(params.key)),
    ctx.db.select().from(tags).where(inArray(tags.runUuid, ids)).orderBy(asc(tags.key)),
    ctx.db
      .select()
      .from(latestMetrics)
      .where(inArray(latestMetrics.runUuid, ids))
      .orderBy(asc(latestMetrics.key)),
    ctx.db
      .select({ runUuid: inputs.destinationId, inputUuid: inputs.inputUuid, dataset: datasets })
      .from(inputs)
      .innerJoin(datasets, eq(datasets.datasetUuid, inputs.sourceId))
      .where(inArray(inputs.destinationId, ids))
      .orderBy(asc(inputs.inputUuid)),
    // MLflow 3: logged models the runs produced (RUN_OUTPUT) or used (RUN_INPUT).
    ctx.db
      .select({
        runUuid: inputs.sourceId,
        kind: inputs.sourceType,
        modelId: inputs.destinationId,
        step: inputs.step,
      })
      .from(inputs)
      .where(and(inArray(inputs.sourceType, ["RUN_OUTPUT", "RUN_INPUT"]), inArray(inputs.sourceId, ids)))
      .orderBy(asc(inputs.step), asc(inputs.destinationId)),
  ]);
  const inputTagRows =
    inputRows.length === 0
      ? []
      : await ctx.db
          .select()
          .from(inputTags)
          .where(inArray(inputTags.inputUuid, jsonValues(inputRows.map((row) => row.inputUuid))));
  const byRun = new Map(runRows.map((row) => [row.runUuid, row]));
  const paramsByRun = groupBy(paramRows, (row) => row.runUuid);
  const tagsByRun = groupBy(tagRows, (row) => row.runUuid);
  const metricsByRun = groupBy(metricRows, (row) => row.runUuid);
  const inputsByRun = groupBy(inputRows, (row) => row.runUuid);
  const tagsByInput = groupBy(inputTagRows, (row) => row.inputUuid);
  const modelLinksByRun = groupBy(modelLinkRows, (row) => row.runUuid);
  const out: RunParts[] = [];
  for (const runId of runIds) {
    const run = byRun.get(runId);
    if (!run) continue;
    out.push({
      run,
      params: paramsByRun.get(runId) ?? [],
      tags: tagsByRun.get(runId) ?? [],
      latestMetrics: metricsByRun.get(runId) ?? [],
      inputs: (inputsByRun.get(runId) ?? []).map((row) => ({
        dataset: row.dataset,
        tags: tagsByInput.get(row.inputUuid) ?? [],
      })),
      modelInputs: (modelLinksByRun.get(runId) ?? [])
        .filter((row) => row.kind === "RUN_INPUT")
        .map((row) => ({ modelId: row.modelId })),
      modelOutputs: (modelLinksByRun.get(runId) ?? [])
        .filter((row) => row.kind === "RUN_OUTPUT")
        .map((row) => ({ modelId: row.modelId, step: row.step })),
    });
  }
  return out;
}
