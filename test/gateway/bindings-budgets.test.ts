import { env, SELF } from "cloudflare:test";
import {
  type BudgetState,
  budgetWindowAt,
  costOfAnswer,
  loadBudgetStates,
  recordBudgetSpend,
  type TrackingContext,
} from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Body, definition, endpoint, ORIGIN, post, primary, STORE, secret } from "./helpers";

/**
 * MLflow 3.11's endpoint bindings and budget policies (service.proto's createEndpointBinding…,
 * createBudgetPolicy…; handlers.py; sqlalchemy_mixin.py; gateway/budget_tracker), through the
 * tracking worker: MLflow's paths, JSON shapes, defaults and errors, the cascade from an endpoint
 * to its bindings, and a REJECT budget refusing invocations.
 */

async function call(method: string, path: string, body?: Body, prefix = STORE) {
  const url = new URL(`${prefix}/${path}`);
  if (method === "GET" && body) for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
  const response = await SELF.fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

const missing = (name: string) => ({
  status: 400,
  body: {
    error_code: "INVALID_PARAMETER_VALUE",
    message: expect.stringMatching(new RegExp(`^Missing value for required parameter '${name}'\\.`)),
  },
});
const invalid = (message: string | RegExp) => ({
  status: 400,
  body: {
    error_code: "INVALID_PARAMETER_VALUE",
    message: typeof message === "string" ? message : expect.stringMatching(message),
  },
});
const notFound = (message: string) => ({
  status: 404,
  body: { error_code: "RESOURCE_DOES_NOT_EXIST", message },
});

/** An endpoint over the stand-in provider: its id and name. */
async function newEndpoint(extra: Body = {}) {
  const name = await endpoint([primary(await definition(await secret("sk-test-bindings-0001"), "gpt-4o"))], {
    usage_tracking: false,
    ...extra,
  });
  const got = await call("GET", "endpoints/get", { name });
  return { id: got.body.endpoint.endpoint_id as string, name };
}

const chat = { messages: [{ role: "user", content: "Hello" }] };

/** Budget policies made by a test are deleted after it, so no REJECT budget outlives it (invoke.ts caches them). */
const policies: string[] = [];
async function newPolicy(fields: Body): Promise<Body> {
  const created = await call("POST", "budgets/create", {
    budget_unit: "USD",
    budget_amount: 10,
    duration: { unit: "DAYS", value: 1 },
    target_scope: "GLOBAL",
    budget_action: "REJECT",
    ...fields,
  });
  expect(created.status).toBe(200);
  policies.push(created.body.budget_policy.budget_policy_id);
  return created.body.budget_policy;
}
afterEach(async () => {
  for (const id of policies.splice(0)) await call("DELETE", "budgets/delete", { budget_policy_id: id });
});

describe("endpoint bindings", () => {
  it("creates, lists and deletes bindings with MLflow's shapes", async () => {
    const { id } = await newEndpoint();
    const before = Date.now();
    const created = await call("POST", "endpoints/bindings/create", {
      endpoint_id: id,
      resource_type: "scorer",
      resource_id: "judge-1",
      created_by: "alice",
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      binding: {
        endpoint_id: id,
        resource_type: "scorer",
        resource_id: "judge-1",
        created_at: expect.any(Number),
        last_updated_at: expect.any(Number),
        created_by: "alice",
        last_updated_by: "alice",
      },
    });
    expect(created.body.binding.created_at).toBeGreaterThanOrEqual(before - 1000);
    expect(created.body.binding.last_updated_at).toBe(created.body.binding.created_at);
    // No creator: MLflow leaves created_by and last_updated_by unset, so they are absent.
    const second = await call("POST", "endpoints/bindings/create", {
      endpoint_id: id,
      resource_type: "scorer",
      resource_id: "judge-2",
    });
    expect(Object.keys(second.body.binding).sort()).toEqual([
      "created_at",
      "endpoint_id",
      "last_updated_at",
      "resource_id",
      "resource_type",
    ]);

    const listed = await call("GET", "endpoints/bindings/list", { endpoint_id: id });
    expect(listed).toMatchObject({ status: 200 });
    expect(listed.body.bindings).toEqual([created.body.binding, second.body.binding]);
    const byResource = await call("GET", "endpoints/bindings/list", { resource_id: "judge-2" });
    expect(byResource.body.bindings).toContainEqual(second.body.binding);
    expect(byResource.body.bindings.map((b: Body) => b.resource_id)).not.toContain("judge-1");
    const byType = await call("GET", "endpoints/bindings/list", { endpoint_id: id, resource_type: "scorer" });
    expect(byType.body.bindings).toHaveLength(2);
    const all = await call("GET", "endpoints/bindings/list");
    expect(all.body.bindings).toEqual(expect.arrayContaining([created.body.binding, second.body.binding]));
    // The /ajax-api/3.0 prefix answers the same (the UI's).
    const ajax = await call(
      "GET",
      "endpoints/bindings/list",
      { endpoint_id: id },
      `${ORIGIN}/ajax-api/3.0/mlflow/gateway`,
    );
    expect(ajax.body).toEqual(listed.body);

    const ref = { endpoint_id: id, resource_type: "scorer", resource_id: "judge-1" };
    expect(await call("DELETE", "endpoints/bindings/delete", ref)).toMatchObject({ status: 200, body: {} });
    expect((await call("GET", "endpoints/bindings/list", { endpoint_id: id })).body.bindings).toEqual([
      second.body.binding,
    ]);
    expect(await call("DELETE", "endpoints/bindings/delete", ref)).toMatchObject(
      notFound(
        `GatewayEndpointBinding not found (endpoint_id='${id}', resource_type='scorer', resource_id='judge-1')`,
      ),
    );
    // An endpoint with none lists an empty `bindings` (protobuf JSON leaves the empty list out).
    const other = await newEndpoint();
    expect(await call("GET", "endpoints/bindings/list", { endpoint_id: other.id })).toMatchObject({
      status: 200,
      body: {},
    });
  });

  it("refuses missing and invalid fields, unknown endpoints and duplicates as MLflow does", async () => {
    const { id } = await newEndpoint();
    const full = { endpoint_id: id, resource_type: "scorer", resource_id: "judge" };
    for (const field of ["endpoint_id", "resource_type", "resource_id"] as const) {
      const { [field]: _left, ...rest } = full;
      expect(await call("POST", "endpoints/bindings/create", rest)).toMatchObject(missing(field));
      expect(await call("POST", "endpoints/bindings/create", { ...full, [field]: "" })).toMatchObject(
        missing(field),
      );
      expect(await call("DELETE", "endpoints/bindings/delete", rest)).toMatchObject(missing(field));
    }
    expect(await call("POST", "endpoints/bindings/create", { ...full, resource_id: 7 })).toMatchObject(
      invalid(/^Invalid value 7 for parameter 'resource_id' supplied/),
    );
    expect(
      await call("POST", "endpoints/bindings/create", { ...full, resource_type: "experiment" }),
    ).toMatchObject(invalid("'experiment' is not a valid GatewayResourceType"));
    expect(
      await call("POST", "endpoints/bindings/create", { ...full, endpoint_id: "e-missing" }),
    ).toMatchObject(notFound("GatewayEndpoint not found (endpoint_id='e-missing')"));

    expect((await call("POST", "endpoints/bindings/create", full)).status).toBe(200);
    const again = await call("POST", "endpoints/bindings/create", full);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error_code: "BAD_REQUEST",
      message: expect.stringContaining("UNIQUE constraint failed: endpoint_bindings.endpoint_id"),
    });
    // The same resource may be bound to another endpoint.
    const other = await newEndpoint();
    expect((await call("POST", "endpoints/bindings/create", { ...full, endpoint_id: other.id })).status).toBe(
      200,
    );
  });

  it("deletes an endpoint's bindings with it", async () => {
    const { id } = await newEndpoint();
    for (const resource_id of ["a", "b"]) {
      await call("POST", "endpoints/bindings/create", {
        endpoint_id: id,
        resource_type: "scorer",
        resource_id,
      });
    }
    expect((await call("GET", "endpoints/bindings/list", { endpoint_id: id })).body.bindings).toHaveLength(2);
    expect((await call("DELETE", "endpoints/delete", { endpoint_id: id })).status).toBe(200);
    expect((await call("GET", "endpoints/bindings/list", { endpoint_id: id })).body.bindings).toBeUndefined();
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM gateway_endpoint_bindings WHERE endpoint_id = ?",
    )
      .bind(id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

describe("budget policies", () => {
  it("creates, gets, lists, updates and deletes a policy with MLflow's shapes", async () => {
    const before = Date.now();
    const created = await call("POST", "budgets/create", {
      budget_unit: "USD",
      budget_amount: 25.5,
      duration: { unit: "WEEKS", value: 2 },
      target_scope: "GLOBAL",
      budget_action: "ALERT",
    });
    expect(created.status).toBe(200);
    const policy = created.body.budget_policy;
    policies.push(policy.budget_policy_id);
    expect(policy).toEqual({
      budget_policy_id: expect.stringMatching(/^bp-[0-9a-f]{32}$/),
      budget_unit: "USD",
      budget_amount: 25.5,
      duration: { unit: "WEEKS", value: 2 },
      target_scope: "GLOBAL",
      budget_action: "ALERT",
      created_by: "",
      created_at: expect.any(Number),
      last_updated_by: "",
      last_updated_at: policy.created_at,
    });
    expect(policy.created_at).toBeGreaterThanOrEqual(before - 1000);
    // Enums by number too, as protobuf's JSON parser reads them.
    const byNumber = await newPolicy({
      budget_unit: 1,
      target_scope: 2,
      budget_action: 2,
      created_by: "bob",
    });
    expect(byNumber).toMatchObject({
      budget_unit: "USD",
      target_scope: "WORKSPACE",
      budget_action: "REJECT",
      created_by: "bob",
      last_updated_by: "bob",
    });
    await call("DELETE", "budgets/delete", { budget_policy_id: byNumber.budget_policy_id });

    expect(await call("GET", "budgets/get", { budget_policy_id: policy.budget_policy_id })).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { budget_policy: policy },
    });
    const listed = await call("GET", "budgets/list");
    expect(listed.body.budget_policies).toContainEqual(policy);
    expect(listed.body.next_page_token).toBeUndefined();

    const updated = await call("POST", "budgets/update", {
      budget_policy_id: policy.budget_policy_id,
      budget_amount: 100,
      duration: { unit: "MONTHS", value: 1 },
      updated_by: "carol",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.budget_policy).toEqual({
      ...policy,
      budget_amount: 100,
      duration: { unit: "MONTHS", value: 1 },
      last_updated_by: "carol",
      last_updated_at: expect.any(Number),
    });
    expect(updated.body.budget_policy.last_updated_at).toBeGreaterThanOrEqual(policy.last_updated_at);
    const action = await call("POST", "budgets/update", {
      budget_policy_id: policy.budget_policy_id,
      budget_action: "REJECT",
      target_scope: "WORKSPACE",
    });
    expect(action.body.budget_policy).toMatchObject({
      budget_amount: 100,
      budget_action: "REJECT",
      target_scope: "WORKSPACE",
      last_updated_by: "carol",
    });
    expect((await call("GET", "budgets/get", { budget_policy_id: policy.budget_policy_id })).body).toEqual(
      action.body,
    );

    expect(
      await call("DELETE", "budgets/delete", { budget_policy_id: policy.budget_policy_id }),
    ).toMatchObject({ status: 200, body: {} });
    const gone = `BudgetPolicy not found (budget_policy_id='${policy.budget_policy_id}')`;
    expect(await call("GET", "budgets/get", { budget_policy_id: policy.budget_policy_id })).toMatchObject(
      notFound(gone),
    );
    expect(
      await call("DELETE", "budgets/delete", { budget_policy_id: policy.budget_policy_id }),
    ).toMatchObject(notFound(gone));
    expect(
      await call("POST", "budgets/update", { budget_policy_id: policy.budget_policy_id, budget_amount: 1 }),
    ).toMatchObject(notFound(gone));
  });

  it("refuses missing and invalid fields with MLflow's messages", async () => {
    const full: Body = {
      budget_unit: "USD",
      budget_amount: 5,
      duration: { unit: "HOURS", value: 1 },
      target_scope: "GLOBAL",
      budget_action: "REJECT",
    };
    for (const field of ["budget_unit", "budget_amount", "duration", "target_scope", "budget_action"]) {
      const { [field]: _left, ...rest } = full;
      expect([field, await call("POST", "budgets/create", rest)]).toMatchObject([field, missing(field)]);
    }
    const cases: [Body, string | RegExp][] = [
      [{ budget_unit: "BUDGET_UNIT_UNSPECIFIED" }, "Invalid budget_unit: 0"],
      [{ budget_unit: 0 }, "Invalid budget_unit: 0"],
      [{ budget_unit: "EUR" }, /^Invalid value EUR for parameter 'budget_unit' supplied/],
      [{ duration: {} }, "Invalid duration.unit: 0"],
      [{ duration: { unit: "DAYS" } }, "duration.value must be a positive integer, got 0"],
      [{ duration: { unit: "DAYS", value: -2 } }, "duration.value must be a positive integer, got -2"],
      [{ duration: { unit: "YEARS", value: 1 } }, /^Invalid value YEARS for parameter 'unit' supplied/],
      [{ target_scope: "TARGET_SCOPE_UNSPECIFIED" }, "Invalid target_scope: 0"],
      [{ budget_action: 0 }, "Invalid budget_action: 0"],
      [{ budget_action: "BLOCK" }, /^Invalid value BLOCK for parameter 'budget_action' supplied/],
      [{ budget_amount: "lots" }, /^Invalid value lots for parameter 'budget_amount' supplied/],
    ];
    for (const [change, message] of cases) {
      const reply = await call("POST", "budgets/create", { ...full, ...change });
      expect([change, reply]).toMatchObject([change, invalid(message)]);
    }
    const policy = await newPolicy({});
    const ref = { budget_policy_id: policy.budget_policy_id };
    expect(await call("POST", "budgets/update", { budget_amount: 1 })).toMatchObject(
      missing("budget_policy_id"),
    );
    expect(
      await call("POST", "budgets/update", { ...ref, duration: { unit: "DAYS", value: 0 } }),
    ).toMatchObject(invalid("duration.value must be a positive integer, got 0"));
    expect(await call("POST", "budgets/update", { ...ref, budget_action: 0 })).toMatchObject(
      invalid("Invalid budget_action: 0"),
    );
    expect(await call("GET", "budgets/get")).toMatchObject(missing("budget_policy_id"));
    expect(await call("DELETE", "budgets/delete", {})).toMatchObject(missing("budget_policy_id"));
    // Nothing changed by the refused updates.
    expect((await call("GET", "budgets/get", ref)).body.budget_policy).toEqual(policy);
  });

  it("pages the list by id with MLflow's page tokens and max_results bounds", async () => {
    const made = [await newPolicy({}), await newPolicy({}), await newPolicy({})];
    const ids = made.map((p) => p.budget_policy_id).sort();
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call("GET", "budgets/list", {
        max_results: 1,
        ...(token ? { page_token: token } : {}),
      });
      expect(page.status).toBe(200);
      expect(page.body.budget_policies).toHaveLength(1);
      seen.push(page.body.budget_policies[0].budget_policy_id);
      token = page.body.next_page_token;
    } while (token);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    expect(seen).toEqual([...seen].sort());
    expect(await call("GET", "budgets/list", { max_results: -1 })).toMatchObject(
      invalid("Invalid value -1 for parameter 'max_results' supplied. It must be a positive integer"),
    );
    expect(await call("GET", "budgets/list", { max_results: 50001 })).toMatchObject(
      invalid("Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000"),
    );
    // 0 is the default, as MLflow's `max_results or SEARCH_MAX_RESULTS_DEFAULT`.
    expect(
      (await call("GET", "budgets/list", { max_results: 0 })).body.budget_policies.length,
    ).toBeGreaterThanOrEqual(3);
    expect((await call("GET", "budgets/list", { page_token: "not-base64!" })).status).toBe(400);
  });

  it("answers each policy's current window, aligned as MLflow's tracker aligns it", async () => {
    const daily = await newPolicy({ duration: { unit: "DAYS", value: 1 }, budget_action: "ALERT" });
    const hourly = await newPolicy({ duration: { unit: "HOURS", value: 2 }, budget_action: "ALERT" });
    const now = Date.now();
    const windows = (await call("GET", "budgets/windows")).body.windows as Body[];
    const of = (id: string) => windows.find((w) => w.budget_policy_id === id);
    const day = now - (now % 86_400_000);
    expect(of(daily.budget_policy_id)).toEqual({
      budget_policy_id: daily.budget_policy_id,
      window_start_ms: day,
      window_end_ms: day + 86_400_000,
      current_spend: 0,
    });
    const twoHours = now - (now % 7_200_000);
    expect(of(hourly.budget_policy_id)).toMatchObject({
      window_start_ms: twoHours,
      window_end_ms: twoHours + 7_200_000,
    });
    await call("DELETE", "budgets/delete", { budget_policy_id: daily.budget_policy_id });
    const after = (await call("GET", "budgets/windows")).body.windows as Body[];
    expect(after.map((w) => w.budget_policy_id)).not.toContain(daily.budget_policy_id);
  });

  it("computes MLflow's windows: epoch-aligned units, Sunday weeks, calendar months", () => {
    const at = Date.UTC(2026, 11, 9, 13, 47, 12); // Wednesday 9 December 2026
    expect(budgetWindowAt({ unit: "MINUTES", value: 15 }, at)).toEqual({
      start: Date.UTC(2026, 11, 9, 13, 45),
      end: Date.UTC(2026, 11, 9, 14, 0),
    });
    expect(budgetWindowAt({ unit: "HOURS", value: 1 }, at)).toEqual({
      start: Date.UTC(2026, 11, 9, 13),
      end: Date.UTC(2026, 11, 9, 14),
    });
    expect(budgetWindowAt({ unit: "WEEKS", value: 1 }, at)).toEqual({
      start: Date.UTC(2026, 11, 6), // the Sunday before
      end: Date.UTC(2026, 11, 13),
    });
    expect(new Date(budgetWindowAt({ unit: "WEEKS", value: 2 }, at).start).getUTCDay()).toBe(0);
    expect(budgetWindowAt({ unit: "MONTHS", value: 1 }, at)).toEqual({
      start: Date.UTC(2026, 11, 1),
      end: Date.UTC(2027, 0, 1),
    });
    expect(budgetWindowAt({ unit: "MONTHS", value: 3 }, at)).toEqual({
      start: Date.UTC(2026, 9, 1),
      end: Date.UTC(2027, 0, 1),
    });
    expect(budgetWindowAt({ unit: "DAYS", value: 7 }, at).start % 86_400_000).toBe(0);
  });
});

describe("budget enforcement", () => {
  it("refuses calls once a REJECT budget's window has spent its amount; ALERT only counts", async () => {
    const ep = await newEndpoint();
    // A $0 REJECT budget refuses at once: MLflow's check is spend >= amount.
    const zero = await newPolicy({ budget_amount: 0, duration: { unit: "DAYS", value: 1 } });
    const refused = await post(`/gateway/${ep.name}/mlflow/invocations`, chat);
    expect(refused.status).toBe(429);
    const dayEnd = new Date(Date.now() - (Date.now() % 86_400_000) + 86_400_000).toISOString().slice(0, 19);
    expect(refused.body).toEqual({
      error_code: "REQUEST_LIMIT_EXCEEDED",
      message: `Budget limit exceeded. Limit: $0.00 USD per 1 day. Budget resets at ${dayEnd}Z. Request rejected.`,
    });
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Every path and endpoint: the budget is the gateway's.
    const other = await newEndpoint();
    expect((await post("/v1/chat/completions", { model: other.name, ...chat })).status).toBe(429);

    // Deleting it lets calls through at once (this isolate forgets its budgets on a write).
    await call("DELETE", "budgets/delete", { budget_policy_id: zero.budget_policy_id });
    expect((await post(`/gateway/${ep.name}/mlflow/invocations`, chat)).status).toBe(200);

    // ALERT never refuses.
    await newPolicy({ budget_amount: 0, budget_action: "ALERT" });
    expect((await post(`/gateway/${ep.name}/mlflow/invocations`, chat)).status).toBe(200);

    // Spent in the current window: $1.50 of $1.00 per 2 hours refuses; turned to ALERT, it does not.
    const spent = await newPolicy({ budget_amount: 1, duration: { unit: "HOURS", value: 2 } });
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO gateway_budget_windows (budget_policy_id, window_start, spend) VALUES (?, ?, ?)",
    )
      .bind(spent.budget_policy_id, now - (now % 7_200_000), 1.5)
      .run();
    // An update is a write: the isolate reads the spend again.
    await call("POST", "budgets/update", { budget_policy_id: spent.budget_policy_id, budget_amount: 1 });
    const windows = (await call("GET", "budgets/windows")).body.windows as Body[];
    expect(windows.find((w) => w.budget_policy_id === spent.budget_policy_id)?.current_spend).toBe(1.5);
    const over = await post(`/endpoints/${ep.name}/invocations`, chat);
    expect([over.status, over.body.message]).toEqual([
      429,
      expect.stringMatching(/^Budget limit exceeded\. Limit: \$1\.00 USD per 2 hours\. Budget resets at /),
    ]);
    await call("POST", "budgets/update", { budget_policy_id: spent.budget_policy_id, budget_amount: 2 });
    expect((await post(`/endpoints/${ep.name}/invocations`, chat)).status).toBe(200);
    // A spend from an earlier window does not count.
    await call("POST", "budgets/update", { budget_policy_id: spent.budget_policy_id, budget_amount: 1 });
    await env.DB.prepare(
      "UPDATE gateway_budget_windows SET window_start = window_start - 7200000 WHERE budget_policy_id = ?",
    )
      .bind(spent.budget_policy_id)
      .run();
    await call("POST", "budgets/update", { budget_policy_id: spent.budget_policy_id, budget_amount: 1 });
    expect((await post(`/endpoints/${ep.name}/invocations`, chat)).status).toBe(200);
  });

  it("records a refused call as an ERROR trace where the endpoint tracks usage", async () => {
    const ep = await newEndpoint({ usage_tracking: true });
    const experimentId = (await call("GET", "endpoints/get", { name: ep.name })).body.endpoint.experiment_id;
    await newPolicy({ budget_amount: 0 });
    expect((await post(`/gateway/${ep.name}/mlflow/invocations`, chat)).status).toBe(429);
    let traces: Body[] = [];
    for (let i = 0; i < 50 && traces.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const found = await post("/api/3.0/mlflow/traces/search", {
        locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } }],
      });
      traces = found.body.traces ?? [];
    }
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ state: "ERROR" });
  });

  it("counts the cost a provider reports (usage.cost) against the budgets, streamed or not", async () => {
    // A provider that prices its answers, as OpenRouter does: the worker's fetch, answered here.
    const real = globalThis.fetch;
    const priced = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.host !== "priced.example.test") return real(input, init);
      const body = JSON.parse(String(init?.body ?? "{}"));
      const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, cost: 0.6 };
      if (body.stream) {
        const chunk = { id: "c", object: "chat.completion.chunk", created: 1, model: body.model };
        const events = [
          { ...chunk, choices: [{ index: 0, delta: { role: "assistant", content: "hi" } }] },
          { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage },
        ];
        const text = `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`;
        return new Response(text, { headers: { "Content-Type": "text/event-stream" } });
      }
      return Response.json({
        id: "c",
        object: "chat.completion",
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
        usage,
      });
    });
    const providerCalls = () =>
      priced.mock.calls.filter(([input]) =>
        String(input instanceof Request ? input.url : input).includes("priced.example.test"),
      ).length;
    try {
      const secretId = await secret("sk-test-priced-000001", { apiBase: "https://priced.example.test/v1" });
      const name = await endpoint([primary(await definition(secretId, "priced-model"))], {
        usage_tracking: false,
      });
      const policy = await newPolicy({ budget_amount: 1, duration: { unit: "DAYS", value: 1 } });
      const spendOf = async () =>
        ((await call("GET", "budgets/windows")).body.windows as Body[]).find(
          (w) => w.budget_policy_id === policy.budget_policy_id,
        )?.current_spend ?? 0;
      const until = async (spend: number) => {
        for (let i = 0; i < 50 && (await spendOf()) < spend - 1e-9; i++) {
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
        expect(await spendOf()).toBeCloseTo(spend);
      };
      expect((await post(`/gateway/${name}/mlflow/invocations`, chat)).status).toBe(200);
      await until(0.6);
      const streamed = await post("/v1/chat/completions", { model: name, stream: true, ...chat });
      expect(streamed.status).toBe(200);
      expect(streamed.text).toContain("data: [DONE]");
      await until(1.2);
      // $1.20 of $1.00 spent: refused, before the provider is called.
      const before = providerCalls();
      const over = await post(`/gateway/${name}/mlflow/invocations`, chat);
      expect([over.status, over.body.error_code]).toEqual([429, "REQUEST_LIMIT_EXCEEDED"]);
      expect(providerCalls()).toBe(before);
    } finally {
      priced.mockRestore();
    }
  });

  it("adds a priced call's cost to every policy's current window (core), as the invocation path does", async () => {
    const ctx = { db: drizzle(env.DB, { schema }), now: () => Date.now() } as unknown as TrackingContext;
    const a = await newPolicy({
      budget_amount: 1,
      budget_action: "ALERT",
      duration: { unit: "MINUTES", value: 5 },
    });
    const b = await newPolicy({
      budget_amount: 1,
      budget_action: "ALERT",
      duration: { unit: "MONTHS", value: 1 },
    });
    const mine = (states: BudgetState[]) =>
      states.filter((s) => [a.budget_policy_id, b.budget_policy_id].includes(s.policyId));
    const now = Date.now();
    let states = mine(await loadBudgetStates(ctx, now));
    states = await recordBudgetSpend(ctx, states, 0.25, now);
    states = await recordBudgetSpend(ctx, states, 0.5, now);
    expect(states.map((s) => s.spend)).toEqual([0.75, 0.75]);
    expect(mine(await loadBudgetStates(ctx, now)).map((s) => s.spend)).toEqual([0.75, 0.75]);
    const windows = (await call("GET", "budgets/windows")).body.windows as Body[];
    expect(windows.find((w) => w.budget_policy_id === a.budget_policy_id)?.current_spend).toBe(0.75);
    // Ten minutes on, the 5-minute window is a new one (its old row deleted); the month's goes on.
    const later = now + 10 * 60_000;
    const next = await recordBudgetSpend(ctx, mine(await loadBudgetStates(ctx, later)), 0.1, later);
    const byId = Object.fromEntries(next.map((s) => [s.policyId, s.spend]));
    expect(byId[a.budget_policy_id]).toBeCloseTo(0.1);
    expect(byId[b.budget_policy_id]).toBeCloseTo(0.85);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM gateway_budget_windows WHERE budget_policy_id = ?",
    )
      .bind(a.budget_policy_id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
    // No cost, no write.
    expect(await recordBudgetSpend(ctx, next, 0, later)).toEqual(next);
    // Where the cost comes from: the provider's `usage.cost` (OpenRouter, LiteLLM's proxy).
    expect(costOfAnswer({ usage: { prompt_tokens: 3, cost: 0.0021 } })).toBe(0.0021);
    expect(costOfAnswer({ usage: { prompt_tokens: 3 } })).toBeUndefined();
    expect(costOfAnswer({ usage: { cost: "1" } })).toBeUndefined();
    expect(costOfAnswer(null)).toBeUndefined();
  });
});

// --- docs/gateway.md's Bindings and Budget policies examples, run as written ----------------

const DOC = Object.values(
  import.meta.glob<string>("../../docs/gateway.md", { eager: true, query: "?raw", import: "default" }),
)[0] as string;

/** The bash block of a section, as commands (continuation lines joined), comments dropped. */
function commands(section: string): string[] {
  const block = new RegExp(`## ${section}\\n[\\s\\S]*?\`\`\`bash\\n([\\s\\S]*?)\`\`\``).exec(DOC)?.[1] ?? "";
  return block
    .split(/\n(?=\S)/)
    .map((command) => command.trim())
    .filter((command) => command && !command.startsWith("#"));
}

/**
 * Runs one curl as bash would with these variables: the method (-X, else GET), the URL (quoted or
 * not), the `-d` body with its '$VAR' splices; `VAR=$(curl … | jq -r .a.b)` keeps that field.
 */
async function runCurl(command: string, vars: Record<string, string>) {
  const expand = (text: string) =>
    text.replace(/\$([A-Z]+)/g, (_m, name: string) => vars[name] ?? `$${name}`);
  const assignment = /^([A-Z]+)=\$\(([\s\S]*)\| jq -r \.(\S+)\)$/.exec(command);
  const curl = assignment ? (assignment[2] as string) : command;
  const method = /-X (\w+)/.exec(curl)?.[1] ?? "GET";
  const url = expand(/curl -s (?:-X \w+ )?"?([^\s"]+)"?/.exec(curl)?.[1] ?? "");
  const data = /-d '([\s\S]*)'/.exec(curl)?.[1];
  const body =
    data === undefined ? undefined : data.replace(/'\$([A-Z]+)'/g, (_m, name: string) => vars[name] ?? "");
  const response = await SELF.fetch(url, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(JSON.parse(body)),
  });
  const answer = (await response.json()) as Body;
  if (assignment) {
    vars[assignment[1] as string] = (assignment[3] as string)
      .split(".")
      .reduce<Body>((value, key) => value?.[key], answer) as unknown as string;
  }
  return { url, method, status: response.status, answer };
}

describe("docs/gateway.md's Bindings and Budget policies examples", () => {
  it("runs each curl as written", async () => {
    const bindings = commands("Bindings");
    const budgets = commands("Budget policies");
    expect(bindings.filter((c) => c.includes("curl "))).toHaveLength(4);
    expect(budgets.filter((c) => c.includes("curl "))).toHaveLength(4);
    const { name } = await newEndpoint();
    const G = /^G=(\S+)$/m.exec(bindings.join("\n"))?.[1] ?? "";
    const vars: Record<string, string> = { G };
    const answers: Body[] = [];
    for (const command of [...bindings, ...budgets].filter((c) => c.includes("curl "))) {
      // The example's endpoint is "chat": this test's own stands in for it.
      const step = await runCurl(command.replace("name=chat", `name=${name}`), vars);
      expect([step.method, step.url, step.status]).toEqual([step.method, step.url, 200]);
      answers.push(step.answer);
      if (step.answer.budget_policy) policies.push(step.answer.budget_policy.budget_policy_id);
    }
    expect(vars.EP).toMatch(/^e-[0-9a-f]{32}$/);
    expect(answers[1]).toMatchObject({
      binding: { endpoint_id: vars.EP, resource_type: "scorer", resource_id: "relevance-judge" },
    });
    expect(answers[2]?.bindings).toHaveLength(1);
    expect(answers[3]).toEqual({});
    expect(vars.BP).toMatch(/^bp-[0-9a-f]{32}$/);
    expect(answers[4]?.budget_policy).toMatchObject({
      budget_amount: 50,
      duration: { unit: "DAYS", value: 1 },
    });
    expect(answers[5]?.windows).toContainEqual(
      expect.objectContaining({ budget_policy_id: vars.BP, current_spend: 0 }),
    );
    expect(answers[6]?.budget_policy).toMatchObject({ budget_policy_id: vars.BP, budget_amount: 100 });
    expect(answers[7]).toEqual({});
  });
});
