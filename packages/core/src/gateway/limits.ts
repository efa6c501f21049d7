import { gatewayRateWindows, MlflowError } from "@edgeflow/schema";
import { and, eq, lt, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";

/**
 * Per-endpoint call limits, MLflow 2.x's `limit: {calls, renewal_period}` (its deployments
 * server counts with slowapi in fixed windows): set as the endpoint's `limit` tag, counted in D1
 * so every isolate shares one count, answered 429 with Retry-After once a window is full.
 */
export const LIMIT_TAG = "limit";

const PERIODS: Readonly<Record<string, number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export interface CallLimit {
  calls: number;
  renewal_period: string;
}

/** The tag's value checked: {"calls": a positive integer, "renewal_period": second|minute|hour|day}. */
export function parseCallLimit(value: string): CallLimit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const limit = parsed as Partial<CallLimit> | undefined;
  if (
    !limit ||
    typeof limit !== "object" ||
    !Number.isSafeInteger(limit.calls) ||
    (limit.calls as number) < 1 ||
    typeof limit.renewal_period !== "string" ||
    !(limit.renewal_period in PERIODS)
  ) {
    throw MlflowError.invalidParameter(
      `Invalid limit ${JSON.stringify(value)}: expected {"calls": <positive integer>, "renewal_period": "second" | "minute" | "hour" | "day"}.`,
    );
  }
  return { calls: limit.calls as number, renewal_period: limit.renewal_period };
}

/** Thrown when the window is full: its message is MLflow's, `retryAfterSeconds` is when the next one opens. */
export class CallLimitExceeded extends MlflowError {
  constructor(
    limit: CallLimit,
    readonly retryAfterSeconds: number,
  ) {
    super("REQUEST_LIMIT_EXCEEDED", `Rate limit exceeded: ${limit.calls} per 1 ${limit.renewal_period}`);
  }
}

/**
 * Counts one call in the current window (one upsert; the endpoint's finished windows deleted in
 * the same batch) and refuses it when the window already held `calls`.
 */
export async function countCall(ctx: TrackingContext, endpointId: string, limit: CallLimit): Promise<void> {
  const period = PERIODS[limit.renewal_period] as number;
  const now = ctx.now();
  const windowStart = now - (now % period);
  const [counted] = await ctx.db.batch([
    ctx.db
      .insert(gatewayRateWindows)
      .values({ endpointId, windowStart, calls: 1 })
      .onConflictDoUpdate({
        target: [gatewayRateWindows.endpointId, gatewayRateWindows.windowStart],
        set: { calls: sql`${gatewayRateWindows.calls} + 1` },
      })
      .returning({ calls: gatewayRateWindows.calls }),
    ctx.db
      .delete(gatewayRateWindows)
      .where(
        and(eq(gatewayRateWindows.endpointId, endpointId), lt(gatewayRateWindows.windowStart, windowStart)),
      ),
  ]);
  const calls = counted[0]?.calls ?? 1;
  if (calls > limit.calls) {
    throw new CallLimitExceeded(limit, Math.max(1, Math.ceil((windowStart + period - now) / 1000)));
  }
}
