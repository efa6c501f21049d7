import { type AssessmentRow, type AssessmentWire, assessments, MlflowError } from "@edgeflow/schema";
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { assessmentToWire, getTraceRow } from "./trace-info";

/**
 * Assessments (feedback and expectations) on a trace, as MLflow's SqlAlchemyStore keeps them: a
 * new one may override an earlier one (which becomes invalid until the override is deleted);
 * updates keep the source, span and kind; deleting an unknown assessment is not an error.
 */

function newAssessmentId(): string {
  return `a-${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The row of a wire assessment; the value (feedback or expectation) is kept as its JSON. */
export function assessmentRowOf(wire: AssessmentWire, now: number): typeof assessments.$inferInsert {
  if (!wire.assessment_name) {
    throw MlflowError.invalidParameter("Missing value for required parameter 'assessment.assessment_name'.");
  }
  const kind = wire.feedback ? "feedback" : wire.expectation ? "expectation" : undefined;
  if (kind === undefined) {
    throw MlflowError.invalidParameter(
      "Unknown assessment type: an assessment needs a feedback or an expectation.",
    );
  }
  const { error, ...feedbackValue } = wire.feedback ?? {};
  return {
    assessmentId: wire.assessment_id || newAssessmentId(),
    traceId: wire.trace_id as string,
    name: wire.assessment_name,
    assessmentType: kind,
    value: JSON.stringify(kind === "feedback" ? feedbackValue : wire.expectation),
    error: error ? JSON.stringify(error) : null,
    createdTimestamp: wire.create_time ?? now,
    lastUpdatedTimestamp: wire.last_update_time ?? wire.create_time ?? now,
    sourceType: wire.source?.source_type ?? "SOURCE_TYPE_UNSPECIFIED",
    sourceId: wire.source?.source_id ?? null,
    spanId: wire.span_id || null,
    rationale: wire.rationale ?? null,
    overrides: wire.overrides || null,
    valid: wire.valid ?? true,
    metadata: wire.metadata && Object.keys(wire.metadata).length ? JSON.stringify(wire.metadata) : null,
  };
}

async function getAssessmentRow(
  ctx: TrackingContext,
  traceId: string,
  assessmentId: string,
): Promise<AssessmentRow> {
  const row = await ctx.db
    .select()
    .from(assessments)
    .where(and(eq(assessments.traceId, traceId), eq(assessments.assessmentId, assessmentId)))
    .get();
  if (row) return row;
  await getTraceRow(ctx, traceId).catch(() => {
    throw MlflowError.notFound(`Trace with request_id '${traceId}' not found`);
  });
  throw MlflowError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'`);
}

export async function createAssessment(
  ctx: TrackingContext,
  traceId: string,
  wire: AssessmentWire,
): Promise<AssessmentWire> {
  await getTraceRow(ctx, traceId);
  const row = assessmentRowOf({ ...wire, trace_id: traceId, assessment_id: undefined }, ctx.now());
  const statements: BatchItem<"sqlite">[] = [];
  if (row.overrides) {
    const overridden = await ctx.db
      .select({ id: assessments.assessmentId })
      .from(assessments)
      .where(and(eq(assessments.traceId, traceId), eq(assessments.assessmentId, row.overrides)))
      .get();
    if (!overridden) {
      throw MlflowError.notFound(`Assessment with ID '${row.overrides}' not found for trace '${traceId}'`);
    }
    statements.push(
      ctx.db.update(assessments).set({ valid: false }).where(eq(assessments.assessmentId, row.overrides)),
    );
  }
  statements.push(ctx.db.insert(assessments).values(row));
  await runAtomically(ctx.db, statements);
  return assessmentToWire({ ...(row as AssessmentRow), valid: row.valid ?? true });
}

export async function getAssessment(
  ctx: TrackingContext,
  traceId: string,
  assessmentId: string,
): Promise<AssessmentWire> {
  return assessmentToWire(await getAssessmentRow(ctx, traceId, assessmentId));
}

/** Applies the update mask's fields (assessment_name, feedback, expectation, rationale, metadata, valid). */
export async function updateAssessment(
  ctx: TrackingContext,
  traceId: string,
  assessmentId: string,
  wire: AssessmentWire,
  mask: readonly string[],
): Promise<AssessmentWire> {
  const existing = await getAssessmentRow(ctx, traceId, assessmentId);
  const has = (path: string) => mask.includes(path);
  if (has("feedback") && has("expectation")) {
    throw MlflowError.invalidParameter("Cannot specify both `expectation` and `feedback` parameters.");
  }
  if (has("expectation") && existing.assessmentType !== "expectation") {
    throw MlflowError.invalidParameter("Cannot update expectation value on a Feedback assessment.");
  }
  if (has("feedback") && existing.assessmentType !== "feedback") {
    throw MlflowError.invalidParameter("Cannot update feedback value on an Expectation assessment.");
  }
  const update: Partial<AssessmentRow> = { lastUpdatedTimestamp: ctx.now() };
  if (has("assessment_name") && wire.assessment_name) update.name = wire.assessment_name;
  if (has("expectation")) update.value = JSON.stringify(wire.expectation ?? {});
  if (has("feedback")) {
    const { error, ...value } = wire.feedback ?? {};
    update.value = JSON.stringify(value);
    update.error = error ? JSON.stringify(error) : null;
  }
  // MLflow keeps an expectation's rationale unset.
  if (has("rationale") && existing.assessmentType === "feedback") update.rationale = wire.rationale ?? null;
  if (has("metadata")) {
    const merged = { ...(existing.metadata ? JSON.parse(existing.metadata) : {}), ...wire.metadata };
    update.metadata = Object.keys(merged).length ? JSON.stringify(merged) : null;
  }
  if (has("valid") && wire.valid !== undefined) update.valid = wire.valid;
  await ctx.db
    .update(assessments)
    .set(update)
    .where(and(eq(assessments.traceId, traceId), eq(assessments.assessmentId, assessmentId)));
  return assessmentToWire({ ...existing, ...update });
}

export async function deleteAssessment(
  ctx: TrackingContext,
  traceId: string,
  assessmentId: string,
): Promise<void> {
  const row = await ctx.db
    .select()
    .from(assessments)
    .where(and(eq(assessments.traceId, traceId), eq(assessments.assessmentId, assessmentId)))
    .get();
  if (!row) return;
  const statements: BatchItem<"sqlite">[] = [];
  // The assessment it overrode becomes valid again.
  if (row.overrides) {
    statements.push(
      ctx.db.update(assessments).set({ valid: true }).where(eq(assessments.assessmentId, row.overrides)),
    );
  }
  statements.push(ctx.db.delete(assessments).where(eq(assessments.assessmentId, assessmentId)));
  await runAtomically(ctx.db, statements);
}
