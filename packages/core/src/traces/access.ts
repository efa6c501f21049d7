import { traceInfo, traceNotFound } from "@edgeflow/schema";
import { inArray } from "drizzle-orm";
import { type Caller, requireExperiments } from "../auth/access";
import type { Need } from "../auth/permissions";
import type { Database } from "../db";
import { jsonValues } from "../json-rows";

/**
 * A trace answers with its experiment's permission, as MLflow 3.11's auth plugin checks trace
 * artifacts. The traces' experiments come from one query; an unknown trace is a 404, as the
 * handler would answer, unless `skipMissing` (batch reads answer with the traces that exist).
 */
export async function requireTraces(
  db: Database,
  caller: Caller,
  traceIds: readonly string[],
  need: Need,
  skipMissing = false,
): Promise<void> {
  if (caller.principal.isAdmin || traceIds.length === 0) return;
  const rows = await db
    .select({ id: traceInfo.traceId, experimentId: traceInfo.experimentId })
    .from(traceInfo)
    .where(inArray(traceInfo.traceId, jsonValues([...new Set(traceIds)])));
  const experimentOf = new Map(rows.map((row) => [row.id, String(row.experimentId)]));
  const experimentIds = traceIds.flatMap((id) => {
    const experimentId = experimentOf.get(id);
    if (experimentId === undefined && !skipMissing) throw traceNotFound(id);
    return experimentId === undefined ? [] : [experimentId];
  });
  await requireExperiments(db, caller, [...new Set(experimentIds)], need);
}
