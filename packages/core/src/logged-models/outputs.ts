import { inputs, MlflowError, type ModelOutputWire } from "@edgeflow/schema";
import { sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonRows } from "../json-rows";
import { newUuid } from "../names";
import { getRunRow, requireActiveRun } from "../tracking/run-reader";
import { validateRunId } from "../validation";
import { loggedModelLimits } from "./validation";

/**
 * POST runs/outputs: the logged models a run produced, each at a step. Stored as MLflow stores
 * them, as `inputs` rows from the run (RUN_OUTPUT) to the model (MODEL_OUTPUT); linking the same
 * model again changes nothing. Like MLflow, the models are not looked up.
 */
export async function logRunOutputs(
  ctx: TrackingContext,
  runId: string,
  models: ModelOutputWire[],
): Promise<void> {
  validateRunId(runId);
  if (models.length > loggedModelLimits.entriesPerRequest) {
    throw MlflowError.invalidParameter(
      `A request can log at most ${loggedModelLimits.entriesPerRequest} model outputs. Got ${models.length}.`,
    );
  }
  requireActiveRun(await getRunRow(ctx, runId));
  const rows = models.map((model) => [newUuid(), model.model_id, model.step]);
  if (rows.length === 0) return;
  await runAtomically(ctx.db, [
    ctx.db
      .insert(inputs)
      .select(
        sql`select j.value->>0, 'RUN_OUTPUT', ${runId}, 'MODEL_OUTPUT', j.value->>1, j.value->>2 from ${jsonRows(rows)} as j where true`,
      )
      .onConflictDoNothing(),
  ]);
}
