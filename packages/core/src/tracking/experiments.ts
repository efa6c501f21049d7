import {
  type ExperimentRow,
  type ExperimentWire,
  experiments,
  experimentTags,
  type Infer,
  MlflowError,
  runs,
  type SearchExperiments,
} from "@edgeflow/schema";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { databaseErrorText } from "../db";
import { experimentIdNumber } from "../experiment-id";
import { jsonValues } from "../json-rows";
import { limits } from "../limits";
import { compileExperimentSearch, decodePageToken, encodePageToken } from "../search";
import { withTrailingSlash } from "../uri";
import { validateExperimentName, validateExperimentTag, validateMaxResults } from "../validation";
import { checkArtifactLocation } from "./artifact-location";
import { experimentToWire } from "./wire";

/** Experiment ids are integers on the wire as strings; anything else names no experiment. */
export function parseExperimentId(id: string): number {
  const stored = experimentIdNumber(id);
  if (stored === undefined) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  return stored;
}

export async function getExperimentRow(ctx: TrackingContext, id: string): Promise<ExperimentRow> {
  const row = await ctx.db
    .select()
    .from(experiments)
    .where(eq(experiments.experimentId, parseExperimentId(id)))
    .get();
  if (!row) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  return row;
}

function requireActive(row: ExperimentRow): void {
  if (row.lifecycleStage !== "active") {
    throw MlflowError.invalidParameter(
      `The experiment ${row.experimentId} must be in the 'active' state. Current state is ${row.lifecycleStage}.`,
    );
  }
}

async function withTags(ctx: TrackingContext, rows: ExperimentRow[]): Promise<ExperimentWire[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.experimentId);
  const tagRows = await ctx.db
    .select()
    .from(experimentTags)
    .where(inArray(experimentTags.experimentId, jsonValues(ids)))
    .orderBy(asc(experimentTags.key));
  return rows.map((row) =>
    experimentToWire(
      row,
      tagRows.filter((tag) => tag.experimentId === row.experimentId),
    ),
  );
}

function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed: experiments\.name/.test(databaseErrorText(error));
}

export async function createExperiment(
  ctx: TrackingContext,
  input: { name: string; artifact_location?: string; tags?: { key: string; value?: string }[] },
): Promise<string> {
  const name = validateExperimentName(input.name);
  const tags = (input.tags ?? []).map((tag) => ({ key: tag.key, value: tag.value ?? "" }));
  for (const tag of tags) validateExperimentTag(tag.key, tag.value);
  const location = input.artifact_location
    ? checkArtifactLocation(input.artifact_location, ctx.artifactRoot, ctx.artifactBucket)
    : null;
  const now = ctx.now();
  const idOfName = sql`(select ${experiments.experimentId} from ${experiments} where ${experiments.name} = ${name})`;
  try {
    const [inserted] = await ctx.db.batch([
      ctx.db
        .insert(experiments)
        .values({ name, artifactLocation: location, creationTime: now, lastUpdateTime: now })
        .returning({ id: experiments.experimentId }),
      // The default location needs the new id, so it is derived inside the same transaction.
      ctx.db
        .update(experiments)
        .set({ artifactLocation: sql`${withTrailingSlash(ctx.artifactRoot)} || ${experiments.experimentId}` })
        .where(and(eq(experiments.name, name), sql`${experiments.artifactLocation} is null`)),
      ...tags.map((tag) =>
        ctx.db.insert(experimentTags).values({ experimentId: idOfName, key: tag.key, value: tag.value }),
      ),
    ]);
    return String(inserted[0]?.id);
  } catch (error) {
    if (isUniqueViolation(error)) throw MlflowError.alreadyExists(`Experiment(name=${name}) already exists.`);
    throw error;
  }
}

export async function getExperiment(ctx: TrackingContext, id: string): Promise<ExperimentWire> {
  const [experiment] = await withTags(ctx, [await getExperimentRow(ctx, id)]);
  return experiment as ExperimentWire;
}

export async function getExperimentByName(ctx: TrackingContext, name: string): Promise<ExperimentWire> {
  const row = await ctx.db.select().from(experiments).where(eq(experiments.name, name)).get();
  if (!row) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
  const [experiment] = await withTags(ctx, [row]);
  return experiment as ExperimentWire;
}

/** Deleting an experiment soft-deletes its runs too; restoring brings them back (MLflow's rule). */
export async function deleteExperiment(ctx: TrackingContext, id: string): Promise<void> {
  const row = await getExperimentRow(ctx, id);
  if (row.lifecycleStage !== "active") throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  const now = ctx.now();
  await ctx.db.batch([
    ctx.db
      .update(experiments)
      .set({ lifecycleStage: "deleted", lastUpdateTime: now })
      .where(eq(experiments.experimentId, row.experimentId)),
    ctx.db
      .update(runs)
      .set({ lifecycleStage: "deleted", deletedTime: now })
      .where(eq(runs.experimentId, row.experimentId)),
  ]);
}

export async function restoreExperiment(ctx: TrackingContext, id: string): Promise<void> {
  const row = await getExperimentRow(ctx, id);
  if (row.lifecycleStage !== "deleted") throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  await ctx.db.batch([
    ctx.db
      .update(experiments)
      .set({ lifecycleStage: "active", lastUpdateTime: ctx.now() })
      .where(eq(experiments.experimentId, row.experimentId)),
    ctx.db
      .update(runs)
      .set({ lifecycleStage: "active", deletedTime: null })
      .where(eq(runs.experimentId, row.experimentId)),
  ]);
}

export async function renameExperiment(ctx: TrackingContext, id: string, newName: string): Promise<void> {
  const row = await getExperimentRow(ctx, id);
  if (row.lifecycleStage !== "active") {
    throw new MlflowError("INVALID_STATE", "Cannot rename a non-active experiment.");
  }
  try {
    await ctx.db
      .update(experiments)
      .set({ name: validateExperimentName(newName), lastUpdateTime: ctx.now() })
      .where(eq(experiments.experimentId, row.experimentId));
  } catch (error) {
    if (isUniqueViolation(error))
      throw MlflowError.alreadyExists(`Experiment(name=${newName}) already exists.`);
    throw error;
  }
}

export async function setExperimentTag(
  ctx: TrackingContext,
  id: string,
  key: string,
  value: string,
): Promise<void> {
  validateExperimentTag(key, value);
  const row = await getExperimentRow(ctx, id);
  requireActive(row);
  await ctx.db
    .insert(experimentTags)
    .values({ experimentId: row.experimentId, key, value })
    .onConflictDoUpdate({ target: [experimentTags.experimentId, experimentTags.key], set: { value } });
}

export async function deleteExperimentTag(ctx: TrackingContext, id: string, key: string): Promise<void> {
  const row = await getExperimentRow(ctx, id);
  requireActive(row);
  const deleted = await ctx.db
    .delete(experimentTags)
    .where(and(eq(experimentTags.experimentId, row.experimentId), eq(experimentTags.key, key)))
    .returning({ key: experimentTags.key });
  if (deleted.length === 0) {
    throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${id}`);
  }
}

export async function searchExperiments(
  ctx: TrackingContext,
  input: Infer<typeof SearchExperiments.spec>,
): Promise<{ experiments: ExperimentWire[]; next_page_token?: string }> {
  const maxResults = validateMaxResults(
    input.max_results,
    limits.searchMaxResultsDefault,
    limits.searchExperimentsMaxResults,
  );
  const offset = decodePageToken(input.page_token);
  const query = compileExperimentSearch({
    filter: input.filter,
    viewType: input.view_type ?? "ACTIVE_ONLY",
    orderBy: input.order_by,
    offset,
    // One extra row tells whether another page exists.
    limit: maxResults + 1,
    visible: ctx.readScope?.experiments,
  });
  const ids = (await ctx.db.all<{ experiment_id: number }>(query)).map((row) => row.experiment_id);
  const page = ids.slice(0, maxResults);
  const rows = await loadExperimentRows(ctx, page);
  const wire = await withTags(ctx, rows);
  return {
    experiments: wire,
    next_page_token: ids.length > maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}

async function loadExperimentRows(ctx: TrackingContext, ids: number[]): Promise<ExperimentRow[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select()
    .from(experiments)
    .where(inArray(experiments.experimentId, jsonValues(ids)));
  const byId = new Map(rows.map((row) => [row.experimentId, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is ExperimentRow => row !== undefined);
}
