import { loggedModels } from "@edgeflow/schema";
import { inArray } from "drizzle-orm";
import { type Caller, requireExperiments } from "../auth/access";
import type { Need } from "../auth/permissions";
import type { Database } from "../db";
import { jsonValues } from "../json-rows";
import { loggedModelNotFound } from "./reader";

/**
 * MLflow 3's auth plugin checks a logged model by its experiment's permission; a model that
 * does not exist is a 404, as the handler would answer.
 */
export async function requireLoggedModels(
  db: Database,
  caller: Caller,
  modelIds: readonly string[],
  need: Need,
): Promise<void> {
  if (caller.principal.isAdmin || modelIds.length === 0) return;
  const rows = await db
    .select({ id: loggedModels.modelId, experimentId: loggedModels.experimentId })
    .from(loggedModels)
    .where(inArray(loggedModels.modelId, jsonValues([...new Set(modelIds)])));
  const experimentOf = new Map(rows.map((row) => [row.id, String(row.experimentId)]));
  const experimentIds = modelIds.map((id) => {
    const experimentId = experimentOf.get(id);
    if (experimentId === undefined) throw loggedModelNotFound(id);
    return experimentId;
  });
  await requireExperiments(db, caller, experimentIds, need);
}
