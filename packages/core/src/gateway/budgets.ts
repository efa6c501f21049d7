import type * as wire from "@edgeflow/schema";
import {
  type BudgetWindowWire,
  type GatewayBudgetPolicyWire,
  gatewayBudgetPolicies,
  gatewayBudgetWindows,
  type Infer,
  MlflowError,
} from "@edgeflow/schema";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { newUuid } from "../names";
import { decodePageToken, encodePageToken } from "../search/page-token";

/**
 * MLflow 3.11's gateway budget policies (sqlalchemy_mixin.py *_budget_policy, handlers.py
 * _create/_update_budget_policy, mlflow/gateway/budget_tracker): a USD amount per fixed window,
 * windows aligned as MLflow aligns them (epoch minutes/hours/days, Sunday weeks, calendar months),
 * and the spend in the current window, which REJECTs calls with a 429 once it reaches the amount
 * (ALERT policies only count). Spend is kept per window in D1 (MLflow keeps it in each server's
 * memory and rebuilds it from its traces' costs).
 */

type PolicyRow = typeof gatewayBudgetPolicies.$inferSelect;
type CreateInput = Infer<typeof wire.CreateGatewayBudgetPolicy.spec>;
type UpdateInput = Infer<typeof wire.UpdateGatewayBudgetPolicy.spec>;
type DurationInput = Infer<typeof wire.BudgetDuration.spec>;

/** MLflow's SEARCH_MAX_RESULTS_DEFAULT and SEARCH_MAX_RESULTS_THRESHOLD. */
const MAX_RESULTS_DEFAULT = 1000;
const MAX_RESULTS_THRESHOLD = 50000;

/** The proto enums' numbers, for MLflow's "Invalid budget_unit: 0" (it prints the number). */
const UNSPECIFIED = new Set([
  "BUDGET_UNIT_UNSPECIFIED",
  "DURATION_UNIT_UNSPECIFIED",
  "TARGET_SCOPE_UNSPECIFIED",
  "BUDGET_ACTION_UNSPECIFIED",
]);

function checkedEnum<T extends string>(
  name: string,
  value: T | undefined,
): Exclude<T, `${string}UNSPECIFIED`> {
  if (value === undefined || UNSPECIFIED.has(value)) {
    throw MlflowError.invalidParameter(`Invalid ${name}: 0`);
  }
  return value as Exclude<T, `${string}UNSPECIFIED`>;
}

function checkedDuration(duration: DurationInput) {
  const unit = checkedEnum("duration.unit", duration.unit);
  const value = duration.value ?? 0;
  if (value <= 0) {
    throw MlflowError.invalidParameter(`duration.value must be a positive integer, got ${value}`);
  }
  if (value > 2_147_483_647) {
    throw MlflowError.invalidParameter(`Invalid value ${value} for parameter 'duration.value' supplied.`);
  }
  return { unit, value };
}

function policyToWire(row: PolicyRow): GatewayBudgetPolicyWire {
  return {
    budget_policy_id: row.budgetPolicyId,
    budget_unit: row.budgetUnit as GatewayBudgetPolicyWire["budget_unit"],
    budget_amount: row.budgetAmount,
    duration: {
      unit: row.durationUnit as NonNullable<GatewayBudgetPolicyWire["duration"]>["unit"],
      value: row.durationValue,
    },
    target_scope: row.targetScope as GatewayBudgetPolicyWire["target_scope"],
    budget_action: row.budgetAction as GatewayBudgetPolicyWire["budget_action"],
    created_by: row.createdBy ?? "",
    created_at: row.createdAt,
    last_updated_by: row.lastUpdatedBy ?? "",
    last_updated_at: row.lastUpdatedAt,
  };
}

async function policyRow(ctx: TrackingContext, id: string): Promise<PolicyRow> {
  const row = await ctx.db
    .select()
    .from(gatewayBudgetPolicies)
    .where(eq(gatewayBudgetPolicies.budgetPolicyId, id))
    .get();
  if (!row) throw MlflowError.notFound(`BudgetPolicy not found (budget_policy_id='${id}')`);
  return row;
}

export async function createBudgetPolicy(
  ctx: TrackingContext,
  input: CreateInput,
): Promise<GatewayBudgetPolicyWire> {
  const budgetUnit = checkedEnum("budget_unit", input.budget_unit);
  const duration = checkedDuration(input.duration);
  const targetScope = checkedEnum("target_scope", input.target_scope);
  const budgetAction = checkedEnum("budget_action", input.budget_action);
  const now = ctx.now();
  const createdBy = input.created_by || null;
  const row: PolicyRow = {
    budgetPolicyId: `bp-${newUuid()}`,
    budgetUnit,
    budgetAmount: input.budget_amount,
    durationUnit: duration.unit,
    durationValue: duration.value,
    targetScope,
    budgetAction,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy,
    lastUpdatedBy: createdBy,
  };
  await ctx.db.insert(gatewayBudgetPolicies).values(row);
  return policyToWire(row);
}

export async function getBudgetPolicy(ctx: TrackingContext, id: string): Promise<GatewayBudgetPolicyWire> {
  return policyToWire(await policyRow(ctx, id));
}

/** Only the fields given change (MLflow's HasField checks); each is validated as on create. */
export async function updateBudgetPolicy(
  ctx: TrackingContext,
  input: UpdateInput,
): Promise<GatewayBudgetPolicyWire> {
  const budgetUnit =
    input.budget_unit === undefined ? undefined : checkedEnum("budget_unit", input.budget_unit);
  const duration = input.duration === undefined ? undefined : checkedDuration(input.duration);
  const targetScope =
    input.target_scope === undefined ? undefined : checkedEnum("target_scope", input.target_scope);
  const budgetAction =
    input.budget_action === undefined ? undefined : checkedEnum("budget_action", input.budget_action);
  const row = await policyRow(ctx, input.budget_policy_id);
  const next: PolicyRow = {
    ...row,
    budgetUnit: budgetUnit ?? row.budgetUnit,
    budgetAmount: input.budget_amount ?? row.budgetAmount,
    durationUnit: duration?.unit ?? row.durationUnit,
    durationValue: duration?.value ?? row.durationValue,
    targetScope: targetScope ?? row.targetScope,
    budgetAction: budgetAction ?? row.budgetAction,
    lastUpdatedAt: ctx.now(),
    lastUpdatedBy: input.updated_by || row.lastUpdatedBy,
  };
  await ctx.db
    .update(gatewayBudgetPolicies)
    .set(next)
    .where(eq(gatewayBudgetPolicies.budgetPolicyId, row.budgetPolicyId));
  return policyToWire(next);
}

/** Its windows' spend goes with it (ON DELETE CASCADE). */
export async function deleteBudgetPolicy(ctx: TrackingContext, id: string): Promise<void> {
  const gone = await ctx.db
    .delete(gatewayBudgetPolicies)
    .where(eq(gatewayBudgetPolicies.budgetPolicyId, id))
    .returning({ id: gatewayBudgetPolicies.budgetPolicyId });
  if (gone.length === 0) throw MlflowError.notFound(`BudgetPolicy not found (budget_policy_id='${id}')`);
}

/** By id, `max_results` (default 1000, at most 50000) a page, MLflow's offset page tokens. */
export async function listBudgetPolicies(
  ctx: TrackingContext,
  input: Infer<typeof wire.ListGatewayBudgetPolicies.spec>,
): Promise<{ budget_policies: GatewayBudgetPolicyWire[]; next_page_token?: string }> {
  const maxResults = input.max_results || MAX_RESULTS_DEFAULT;
  if (maxResults < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
    );
  }
  if (maxResults > MAX_RESULTS_THRESHOLD) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_RESULTS_THRESHOLD}`,
    );
  }
  const offset = decodePageToken(input.page_token);
  const rows = await ctx.db
    .select()
    .from(gatewayBudgetPolicies)
    .orderBy(asc(gatewayBudgetPolicies.budgetPolicyId))
    .limit(maxResults + 1)
    .offset(offset);
  return {
    budget_policies: rows.slice(0, maxResults).map(policyToWire),
    next_page_token: rows.length > maxResults ? encodePageToken(offset + maxResults) : undefined,
  };
}

// --- windows --------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Sunday, 28 December 1969: MLflow's origin for WEEKS windows. */
const EPOCH_SUNDAY = -4 * DAY;

export interface BudgetDurationSpec {
  unit: string;
  value: number;
}

/** The fixed window holding `now` (ms), as MLflow's _compute_window_start / _compute_window_end. */
export function budgetWindowAt(duration: BudgetDurationSpec, now: number): { start: number; end: number } {
  const { unit, value } = duration;
  const aligned = (length: number, origin = 0) => {
    const start = origin + Math.floor(Math.floor((now - origin) / length) / value) * value * length;
    return { start, end: start + value * length };
  };
  switch (unit) {
    case "MINUTES":
      return aligned(MINUTE);
    case "HOURS":
      return aligned(HOUR);
    case "DAYS":
      return aligned(DAY);
    case "WEEKS": {
      const days = Math.floor((now - EPOCH_SUNDAY) / DAY);
      const start = EPOCH_SUNDAY + Math.floor(days / (7 * value)) * 7 * value * DAY;
      return { start, end: start + 7 * value * DAY };
    }
    case "MONTHS": {
      const date = new Date(now);
      const months = (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
      const first = Math.floor(months / value) * value;
      return { start: Date.UTC(1970, first, 1), end: Date.UTC(1970, first + value, 1) };
    }
    default:
      throw MlflowError.invalidParameter(`Unknown duration type: ${unit}`);
  }
}

/** A policy as invocations need it, with its current window and what has been spent in it. */
export interface BudgetState {
  policyId: string;
  amount: number;
  action: string;
  duration: BudgetDurationSpec;
  windowStart: number;
  windowEnd: number;
  spend: number;
}

/** Every policy with its current window's spend: one query (policies left-joined to their windows). */
export async function loadBudgetStates(ctx: TrackingContext, now = ctx.now()): Promise<BudgetState[]> {
  const rows = await ctx.db
    .select({
      policy: gatewayBudgetPolicies,
      windowStart: gatewayBudgetWindows.windowStart,
      spend: gatewayBudgetWindows.spend,
    })
    .from(gatewayBudgetPolicies)
    .leftJoin(
      gatewayBudgetWindows,
      eq(gatewayBudgetWindows.budgetPolicyId, gatewayBudgetPolicies.budgetPolicyId),
    )
    .orderBy(asc(gatewayBudgetPolicies.budgetPolicyId));
  const states = new Map<string, BudgetState>();
  for (const { policy, windowStart, spend } of rows) {
    const duration = { unit: policy.durationUnit, value: policy.durationValue };
    const window = budgetWindowAt(duration, now);
    const state = states.get(policy.budgetPolicyId) ?? {
      policyId: policy.budgetPolicyId,
      amount: policy.budgetAmount,
      action: policy.budgetAction,
      duration,
      windowStart: window.start,
      windowEnd: window.end,
      spend: 0,
    };
    if (windowStart === window.start && spend !== null) state.spend = spend;
    states.set(policy.budgetPolicyId, state);
  }
  return [...states.values()];
}

/** What budgets/windows answers: each policy's current window and its spend. */
export async function listBudgetWindows(ctx: TrackingContext): Promise<BudgetWindowWire[]> {
  return (await loadBudgetStates(ctx)).map((state) => ({
    budget_policy_id: state.policyId,
    window_start_ms: state.windowStart,
    window_end_ms: state.windowEnd,
    current_spend: state.spend,
  }));
}

/** MLflow's answer to a call over budget; `retryAfterSeconds` is when the window ends. */
export class BudgetExceeded extends MlflowError {
  constructor(
    state: BudgetState,
    readonly retryAfterSeconds: number,
  ) {
    const { value } = state.duration;
    const plural = state.duration.unit.toLowerCase();
    const unit = value === 1 ? plural.replace(/s+$/, "") : plural;
    const reset = `${new Date(state.windowEnd).toISOString().slice(0, 19)}Z`;
    super(
      "REQUEST_LIMIT_EXCEEDED",
      `Budget limit exceeded. Limit: $${state.amount.toFixed(2)} USD per ${value} ${unit}. Budget resets at ${reset}. Request rejected.`,
    );
  }
}

/**
 * Refuses a call while a REJECT policy's current window has spent its amount (MLflow's
 * should_reject_request: spend >= amount, so a $0 budget refuses everything).
 */
export function checkBudgets(states: readonly BudgetState[], now: number): void {
  for (const state of states) {
    if (state.action !== "REJECT" || now >= state.windowEnd) continue;
    if (state.spend >= state.amount) {
      throw new BudgetExceeded(state, Math.max(1, Math.ceil((state.windowEnd - now) / 1000)));
    }
  }
}

/**
 * Adds a call's cost (USD) to every policy's current window: one D1 batch of upserts, finished
 * windows deleted in the same batch. Returns the states with the cost added.
 */
export async function recordBudgetSpend(
  ctx: TrackingContext,
  states: readonly BudgetState[],
  cost: number,
  now = ctx.now(),
): Promise<BudgetState[]> {
  if (!(cost > 0) || states.length === 0) return [...states];
  const current = states.map((state) => {
    const window = budgetWindowAt(state.duration, now);
    const spend = window.start === state.windowStart ? state.spend : 0;
    return { ...state, windowStart: window.start, windowEnd: window.end, spend: spend + cost };
  });
  const statements: BatchItem<"sqlite">[] = current.flatMap((state) => [
    ctx.db
      .insert(gatewayBudgetWindows)
      .values({ budgetPolicyId: state.policyId, windowStart: state.windowStart, spend: cost })
      .onConflictDoUpdate({
        target: [gatewayBudgetWindows.budgetPolicyId, gatewayBudgetWindows.windowStart],
        set: { spend: sql`${gatewayBudgetWindows.spend} + ${cost}` },
      }),
    ctx.db
      .delete(gatewayBudgetWindows)
      .where(
        and(
          eq(gatewayBudgetWindows.budgetPolicyId, state.policyId),
          lt(gatewayBudgetWindows.windowStart, state.windowStart),
        ),
      ),
  ]);
  try {
    await runAtomically(ctx.db, statements);
  } catch (error) {
    // A policy deleted meanwhile: count against those that remain.
    const left = new Set(
      (
        await ctx.db
          .select({ id: gatewayBudgetPolicies.budgetPolicyId })
          .from(gatewayBudgetPolicies)
          .where(
            inArray(
              gatewayBudgetPolicies.budgetPolicyId,
              current.map((s) => s.policyId),
            ),
          )
      ).map((r) => r.id),
    );
    if (left.size === current.length) throw error;
    return recordBudgetSpend(
      ctx,
      states.filter((s) => left.has(s.policyId)),
      cost,
      now,
    );
  }
  return current;
}

/**
 * A call's cost in USD where the provider's answer reports one: `usage.cost`, as OpenRouter and
 * LiteLLM's proxy put it. Edgeflow has no price table of its own (MLflow prices tokens with LiteLLM's).
 */
export function costOfAnswer(answer: unknown): number | undefined {
  const usage = (answer as { usage?: { cost?: unknown } } | null)?.usage;
  const cost = usage && typeof usage === "object" ? usage.cost : undefined;
  return typeof cost === "number" && Number.isFinite(cost) && cost > 0 ? cost : undefined;
}
