import { describe, expect, inject, it } from "vitest";
import { ADMIN, asAdmin, authEnv, call, newExperiment, newUser, type Who } from "./helpers";

/**
 * The gateway with auth on, as MLflow 3.11's basic-auth app has it: per-resource permissions on
 * secrets, model definitions and endpoints (READ reads, USE also builds on and invokes, EDIT also
 * changes, MANAGE also deletes and shares), the creator's MANAGE, the default permission where a
 * user holds none, and admins past every check. Each store route and each invocation path is
 * walked for each kind of caller.
 */
const G = "/api/3.0/mlflow/gateway";
const chat = { messages: [{ role: "user", content: "hi" }] };

type User = { username: string; password: string };
type Level = "ADMIN" | "MANAGE" | "USE" | "READ" | "EDIT" | "NO_PERMISSIONS" | "DEFAULT";
type Need = "read" | "use" | "update" | "delete" | "manage";

const ALLOWS: Record<Level, readonly Need[]> = {
  ADMIN: ["read", "use", "update", "delete", "manage"],
  MANAGE: ["read", "use", "update", "delete", "manage"],
  EDIT: ["read", "use", "update"],
  USE: ["read", "use"],
  READ: ["read"],
  NO_PERMISSIONS: [],
  DEFAULT: [], // EDGEFLOW_DEFAULT_PERMISSION=NO_PERMISSIONS (the tests' and the deployed default)
};

async function ok<T = Record<string, unknown>>(
  method: string,
  path: string,
  as: Who,
  body?: unknown,
  query?: Record<string, string>,
): Promise<T> {
  const reply = await call<T>(method, path, { as, body, query });
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

interface World {
  creator: User;
  users: Record<"USE" | "READ" | "EDIT" | "NO_PERMISSIONS" | "DEFAULT", User>;
  secretId: string;
  definitionId: string;
  spareDefinitionId: string;
  endpointId: string;
  endpoint: string;
}

/** A non-admin creator's secret, two model definitions and an endpoint, shared by the creator. */
async function setUp(): Promise<World> {
  const creator = await newUser("gw-creator");
  const { secret } = await ok<{ secret: { secret_id: string } }>("POST", `${G}/secrets/create`, creator, {
    secret_name: `auth-key-${crypto.randomUUID()}`,
    secret_value: { api_key: "sk-test-auth-matrix-0001" },
    provider: "openai",
    auth_config: { api_base: `${inject("llmServer")}/v1` },
  });
  const definition = async () =>
    (
      await ok<{ model_definition: { model_definition_id: string } }>(
        "POST",
        `${G}/model-definitions/create`,
        creator,
        {
          name: `auth-def-${crypto.randomUUID()}`,
          secret_id: secret.secret_id,
          provider: "openai",
          model_name: "stand-in",
        },
      )
    ).model_definition.model_definition_id;
  const definitionId = await definition();
  const spareDefinitionId = await definition();
  const endpoint = `auth-ep-${crypto.randomUUID()}`;
  const created = await ok<{ endpoint: { endpoint_id: string } }>("POST", `${G}/endpoints/create`, creator, {
    name: endpoint,
    model_configs: [{ model_definition_id: definitionId, linkage_type: "PRIMARY" }],
  });
  const users = {
    USE: await newUser("gw-use"),
    READ: await newUser("gw-read"),
    EDIT: await newUser("gw-edit"),
    NO_PERMISSIONS: await newUser("gw-none"),
    DEFAULT: await newUser("gw-default"),
  };
  for (const level of ["USE", "READ", "EDIT", "NO_PERMISSIONS"] as const) {
    const grant = { username: users[level].username, permission: level };
    // The creator shares: MANAGE on each is theirs.
    await ok("POST", `${G}/secrets/permissions/create`, creator, { secret_id: secret.secret_id, ...grant });
    for (const id of [definitionId, spareDefinitionId]) {
      await ok("POST", `${G}/model-definitions/permissions/create`, creator, {
        model_definition_id: id,
        ...grant,
      });
    }
    await ok("POST", `${G}/endpoints/permissions/create`, creator, {
      endpoint_id: created.endpoint.endpoint_id,
      ...grant,
    });
  }
  return {
    creator,
    users,
    secretId: secret.secret_id,
    definitionId,
    spareDefinitionId,
    endpointId: created.endpoint.endpoint_id,
    endpoint,
  };
}

function callers(world: World): [Level, Who][] {
  return [
    ["ADMIN", ADMIN],
    ["MANAGE", world.creator],
    ["USE", world.users.USE],
    ["READ", world.users.READ],
    ["EDIT", world.users.EDIT],
    ["NO_PERMISSIONS", world.users.NO_PERMISSIONS],
    ["DEFAULT", world.users.DEFAULT],
  ];
}

interface Case {
  need: Need;
  method: string;
  path: string;
  body?: unknown;
  query?: Record<string, string>;
  /** Allowed callers must get exactly 200 (not only "not refused"). */
  exact?: boolean;
}

/** Every store route but the deletes (walked apart, since they destroy), and every invocation path. */
function cases(w: World): Case[] {
  const secretRef = { secret_id: w.secretId };
  const defRef = { model_definition_id: w.definitionId };
  const endpointRef = { endpoint_id: w.endpointId };
  const config = { model_definition_id: w.definitionId, linkage_type: "PRIMARY" };
  return [
    // secrets
    { need: "read", method: "GET", path: `${G}/secrets/get`, query: secretRef, exact: true },
    { need: "update", method: "POST", path: `${G}/secrets/update`, body: secretRef, exact: true },
    // model definitions: creating one needs USE on its secret, changing its secret USE on the new one
    { need: "read", method: "GET", path: `${G}/model-definitions/get`, query: defRef, exact: true },
    {
      need: "use",
      method: "POST",
      path: `${G}/model-definitions/create`,
      body: () => ({
        name: `auth-def-${crypto.randomUUID()}`,
        secret_id: w.secretId,
        provider: "openai",
        model_name: "stand-in",
      }),
      exact: true,
    },
    {
      need: "update",
      method: "POST",
      path: `${G}/model-definitions/update`,
      body: { ...defRef, secret_id: w.secretId, model_name: "stand-in" },
      exact: true,
    },
    // endpoints: creating one needs USE on its model definitions, as does changing them
    { need: "read", method: "GET", path: `${G}/endpoints/get`, query: endpointRef, exact: true },
    { need: "read", method: "GET", path: `${G}/endpoints/get`, query: { name: w.endpoint }, exact: true },
    {
      need: "use",
      method: "POST",
      path: `${G}/endpoints/create`,
      body: () => ({ name: `auth-ep-${crypto.randomUUID()}`, model_configs: [config] }),
      exact: true,
    },
    {
      need: "update",
      method: "POST",
      path: `${G}/endpoints/update`,
      body: { ...endpointRef, model_configs: [config] },
      exact: true,
    },
    {
      need: "update",
      method: "POST",
      path: `${G}/endpoints/models/attach`,
      body: {
        ...endpointRef,
        model_config: {
          model_definition_id: w.spareDefinitionId,
          linkage_type: "FALLBACK",
          fallback_order: 1,
        },
      },
    },
    {
      need: "update",
      method: "POST",
      path: `${G}/endpoints/models/detach`,
      body: { ...endpointRef, model_definition_id: w.spareDefinitionId },
    },
    {
      need: "update",
      method: "POST",
      path: `${G}/endpoints/set-tag`,
      body: { ...endpointRef, key: "team", value: "a" },
      exact: true,
    },
    {
      need: "update",
      method: "DELETE",
      path: `${G}/endpoints/delete-tag`,
      body: { ...endpointRef, key: "team" },
      exact: true,
    },
    // bindings: EDIT on the endpoint to make or remove one, READ to list them (MLflow 3.11)
    {
      need: "update",
      method: "POST",
      path: `${G}/endpoints/bindings/create`,
      body: () => ({ ...endpointRef, resource_type: "scorer", resource_id: `judge-${crypto.randomUUID()}` }),
      exact: true,
    },
    // Allowed callers past the check get the handler's 404 (no such binding), the others a 403.
    {
      need: "update",
      method: "DELETE",
      path: `${G}/endpoints/bindings/delete`,
      body: { ...endpointRef, resource_type: "scorer", resource_id: "judge-none" },
    },
    { need: "read", method: "GET", path: `${G}/endpoints/bindings/list`, query: endpointRef, exact: true },
    // sharing needs MANAGE
    {
      need: "manage",
      method: "GET",
      path: `${G}/secrets/permissions/get`,
      query: { ...secretRef, username: w.users.USE.username },
      exact: true,
    },
    {
      need: "manage",
      method: "GET",
      path: `${G}/model-definitions/permissions/get`,
      query: { ...defRef, username: w.users.USE.username },
      exact: true,
    },
    {
      need: "manage",
      method: "PATCH",
      path: `${G}/endpoints/permissions/update`,
      body: { ...endpointRef, username: w.users.USE.username, permission: "USE" },
      exact: true,
    },
    // MLflow 2.x's deployments API
    { need: "read", method: "GET", path: `/api/2.0/endpoints/${w.endpoint}`, exact: true },
    // invocations: USE on the endpoint, named by the path or by the body's `model`
    { need: "use", method: "POST", path: `/endpoints/${w.endpoint}/invocations`, body: chat, exact: true },
    { need: "use", method: "POST", path: `/gateway/${w.endpoint}/invocations`, body: chat, exact: true },
    {
      need: "use",
      method: "POST",
      path: `/gateway/${w.endpoint}/mlflow/invocations`,
      body: chat,
      exact: true,
    },
    {
      need: "use",
      method: "POST",
      path: "/gateway/mlflow/v1/chat/completions",
      body: { model: w.endpoint, ...chat },
      exact: true,
    },
    {
      need: "use",
      method: "POST",
      path: "/v1/chat/completions",
      body: { model: w.endpoint, ...chat },
      exact: true,
    },
    // MLflow 2.x's web-UI proxy: the proxied call is checked as if made directly.
    {
      need: "use",
      method: "POST",
      path: "/ajax-api/2.0/mlflow/gateway-proxy",
      body: { gateway_path: `gateway/${w.endpoint}/invocations`, json_data: chat },
      exact: true,
    },
    // The stand-in serves chat and embeddings only: past the check, completions is the provider's error.
    { need: "use", method: "POST", path: "/v1/completions", body: { model: w.endpoint, prompt: "hi" } },
    {
      need: "use",
      method: "POST",
      path: "/v1/embeddings",
      body: { model: w.endpoint, input: "hi" },
      exact: true,
    },
  ] as Case[];
}

describe("gateway permissions", () => {
  it("refuses every gateway route to a caller without credentials", async () => {
    const w = await setUp();
    for (const c of cases(w)) {
      const body = typeof c.body === "function" ? c.body() : c.body;
      const reply = await call(c.method, c.path, { body, query: c.query });
      expect([c.path, reply.status]).toEqual([c.path, 401]);
    }
  });

  it("walks the matrix: admin, creator, USE, READ, EDIT, NO_PERMISSIONS and no grant, on each route", async () => {
    const w = await setUp();
    for (const c of cases(w)) {
      for (const [level, who] of callers(w)) {
        const body = typeof c.body === "function" ? c.body() : c.body;
        const reply = await call<{ error_code?: string; message?: string }>(c.method, c.path, {
          as: who,
          body,
          query: c.query,
        });
        const label = `${level} ${c.method} ${c.path} ${JSON.stringify(c.query ?? "")}`;
        if (ALLOWS[level].includes(c.need)) {
          if (c.exact) expect([label, reply.status, reply.body]).toEqual([label, 200, expect.anything()]);
          else expect([label, reply.status]).not.toEqual([label, 403]);
          expect([label, reply.status]).not.toEqual([label, 401]);
        } else {
          expect([label, reply.status, reply.body.error_code]).toEqual([label, 403, "PERMISSION_DENIED"]);
          expect(reply.body.message).toMatch(
            /^Permission denied: user '[^']+' needs (READ|USE|EDIT|MANAGE) on /,
          );
        }
      }
    }
  });

  it("answers a denied invocation in MLflow's JSON, and an unknown endpoint with a 404", async () => {
    const w = await setUp();
    const denied = await call("POST", "/v1/chat/completions", {
      as: w.users.READ,
      body: { model: w.endpoint, ...chat },
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      error_code: "PERMISSION_DENIED",
      message: `Permission denied: user '${w.users.READ.username}' needs USE on gateway endpoint '${w.endpoint}'.`,
    });
    for (const path of [
      "/endpoints/no-such-endpoint/invocations",
      "/gateway/no-such-endpoint/mlflow/invocations",
    ]) {
      const reply = await call("POST", path, { as: w.users.USE, body: chat });
      expect([path, reply.status, reply.body.error_code]).toEqual([path, 404, "RESOURCE_DOES_NOT_EXIST"]);
    }
    const byModel = await call("POST", "/v1/chat/completions", {
      as: w.users.DEFAULT,
      body: { model: "no-such-endpoint", ...chat },
    });
    expect([byModel.status, byModel.body.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
  });

  it("lets the default permission stand in where a user holds none", async () => {
    const w = await setUp();
    const as = w.users.DEFAULT;
    const invoke = (permission: string) =>
      call("POST", `/gateway/${w.endpoint}/mlflow/invocations`, {
        as,
        body: chat,
        env: authEnv({ EDGEFLOW_DEFAULT_PERMISSION: permission }),
      });
    const read = (permission: string) =>
      call("GET", `${G}/endpoints/get`, {
        as,
        query: { endpoint_id: w.endpointId },
        env: authEnv({ EDGEFLOW_DEFAULT_PERMISSION: permission }),
      });
    expect((await read("NO_PERMISSIONS")).status).toBe(403);
    expect((await read("READ")).status).toBe(200);
    expect((await invoke("READ")).status).toBe(403);
    expect((await invoke("EDIT")).status).toBe(200);
    // MLflow 3.11's fifth level as the default: gateway endpoints become invocable, experiments
    // readable and no more (USE means READ for them).
    expect((await read("USE")).status).toBe(200);
    expect((await invoke("USE")).status).toBe(200);
    const experimentId = await newExperiment(w.creator);
    const useDefault = authEnv({ EDGEFLOW_DEFAULT_PERMISSION: "USE" });
    const experiment = (method: string, path: string, body?: unknown, query?: Record<string, string>) =>
      call(method, `/api/2.0/mlflow/experiments/${path}`, { as, body, query, env: useDefault });
    expect((await experiment("GET", "get", undefined, { experiment_id: experimentId })).status).toBe(200);
    expect(
      (await experiment("POST", "update", { experiment_id: experimentId, new_name: `x-${experimentId}` }))
        .status,
    ).toBe(403);
    // An explicit grant beats the default: NO_PERMISSIONS stays shut under a READ default.
    const shut = await call("GET", `${G}/endpoints/get`, {
      as: w.users.NO_PERMISSIONS,
      query: { endpoint_id: w.endpointId },
      env: authEnv({ EDGEFLOW_DEFAULT_PERMISSION: "READ" }),
    });
    expect(shut.status).toBe(403);
  });

  it("lists only what the caller may read", async () => {
    const w = await setUp();
    const lists = [
      { path: `${G}/secrets/list`, key: "secrets", id: "secret_id", mine: w.secretId },
      {
        path: `${G}/model-definitions/list`,
        key: "model_definitions",
        id: "model_definition_id",
        mine: w.definitionId,
      },
      { path: `${G}/endpoints/list`, key: "endpoints", id: "endpoint_id", mine: w.endpointId },
      { path: "/api/2.0/endpoints/", key: "endpoints", id: "name", mine: w.endpoint },
    ];
    for (const list of lists) {
      for (const [level, who] of callers(w)) {
        const reply = await call<Record<string, Record<string, string>[]>>("GET", list.path, { as: who });
        expect([list.path, level, reply.status]).toEqual([list.path, level, 200]);
        const ids = (reply.body[list.key] ?? []).map((item) => item[list.id]);
        expect([list.path, level, ids.includes(list.mine)]).toEqual([
          list.path,
          level,
          ALLOWS[level].includes("read"),
        ]);
      }
    }
  });

  it("needs USE on what a new resource builds on, and gives its creator MANAGE", async () => {
    const w = await setUp();
    const reader = w.users.READ;
    // READ on the secret is not enough to build a model definition on it; USE is.
    const refused = await call("POST", `${G}/model-definitions/create`, {
      as: reader,
      body: { name: `d-${crypto.randomUUID()}`, secret_id: w.secretId, provider: "openai", model_name: "m" },
    });
    expect([refused.status, refused.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
    const user = w.users.USE;
    const { model_definition } = await ok<{ model_definition: { model_definition_id: string } }>(
      "POST",
      `${G}/model-definitions/create`,
      user,
      { name: `d-${crypto.randomUUID()}`, secret_id: w.secretId, provider: "openai", model_name: "stand-in" },
    );
    const { endpoint } = await ok<{ endpoint: { endpoint_id: string; name: string } }>(
      "POST",
      `${G}/endpoints/create`,
      user,
      {
        name: `ep-${crypto.randomUUID()}`,
        model_configs: [
          { model_definition_id: model_definition.model_definition_id, linkage_type: "PRIMARY" },
        ],
      },
    );
    const granted = await ok("GET", `${G}/endpoints/permissions/get`, user, undefined, {
      endpoint_id: endpoint.endpoint_id,
      username: user.username,
    });
    expect(granted).toEqual({
      gateway_endpoint_permission: {
        endpoint_id: endpoint.endpoint_id,
        user_id: expect.any(Number),
        permission: "MANAGE",
      },
    });
    // An endpoint over a model definition the caller may only read is refused, at create and update.
    const onlyRead = await call("POST", `${G}/endpoints/create`, {
      as: reader,
      body: {
        name: `ep-${crypto.randomUUID()}`,
        model_configs: [{ model_definition_id: w.definitionId, linkage_type: "PRIMARY" }],
      },
    });
    expect(onlyRead.status).toBe(403);
    // Any signed-in user may store a secret (MLflow 3.11), and manages it.
    const { secret } = await ok<{ secret: { secret_id: string } }>("POST", `${G}/secrets/create`, reader, {
      secret_name: `k-${crypto.randomUUID()}`,
      secret_value: { api_key: "sk-test-reader-000001" },
    });
    expect(
      await ok("GET", `${G}/secrets/permissions/get`, reader, undefined, {
        secret_id: secret.secret_id,
        username: reader.username,
      }),
    ).toEqual({
      gateway_secret_permission: {
        secret_id: secret.secret_id,
        user_id: expect.any(Number),
        permission: "MANAGE",
      },
    });
  });

  it("serves the permission endpoints with MLflow 3.11's shapes and messages", async () => {
    const w = await setUp();
    const bob = await newUser("gw-bob");
    const P = `${G}/model-definitions/permissions`;
    const ref = { model_definition_id: w.definitionId, username: bob.username };
    const invalid = await call("POST", `${P}/create`, {
      as: w.creator,
      body: { ...ref, permission: "OWNER" },
    });
    expect(invalid.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Invalid permission 'OWNER'. Valid permissions are: ('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
    });
    const created = await call("POST", `${P}/create`, { as: w.creator, body: { ...ref, permission: "USE" } });
    expect(created.body).toEqual({
      gateway_model_definition_permission: {
        model_definition_id: w.definitionId,
        user_id: expect.any(Number),
        permission: "USE",
      },
    });
    const duplicate = await call("POST", `${P}/create`, {
      as: w.creator,
      body: { ...ref, permission: "READ" },
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({
      error_code: "RESOURCE_ALREADY_EXISTS",
      message: `Gateway model definition permission (model_definition_id=${w.definitionId}, username=${bob.username}) already exists.`,
    });
    expect(
      (await call("PATCH", `${P}/update`, { as: w.creator, body: { ...ref, permission: "EDIT" } })).body,
    ).toEqual({});
    expect((await call("GET", `${P}/get`, { as: w.creator, query: ref })).body).toMatchObject({
      gateway_model_definition_permission: { permission: "EDIT" },
    });
    // EDIT is not MANAGE: bob may not share what he was given.
    const notManager = await call("GET", `${P}/get`, { as: bob, query: ref });
    expect(notManager.status).toBe(403);
    expect((await call("DELETE", `${P}/delete`, { as: w.creator, body: ref })).body).toEqual({});
    const gone = await call("GET", `${P}/get`, { as: w.creator, query: ref });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: `Gateway model definition permission with model_definition_id=${w.definitionId} and username=${bob.username} not found`,
    });
    // A permission names an existing resource.
    const nowhere = await call("POST", `${G}/secrets/permissions/create`, {
      ...asAdmin,
      body: { secret_id: "s-missing", username: bob.username, permission: "READ" },
    });
    expect([nowhere.status, nowhere.body.error_code]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    // Experiments keep MLflow 2.12.2's four levels and words.
    const experimentId = await newExperiment();
    const use = await call("POST", "mlflow/experiments/permissions/create", {
      ...asAdmin,
      body: { experiment_id: experimentId, username: bob.username, permission: "USE" },
    });
    expect(use.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message:
        "Invalid permission 'USE'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
    });
  });

  it("lists bindings without an endpoint_id only for the endpoints the caller may read", async () => {
    const w = await setUp();
    await ok("POST", `${G}/endpoints/bindings/create`, w.creator, {
      endpoint_id: w.endpointId,
      resource_type: "scorer",
      resource_id: "listed-judge",
    });
    for (const [level, who] of callers(w)) {
      const reply = await call<{ bindings?: { endpoint_id: string }[] }>(
        "GET",
        `${G}/endpoints/bindings/list`,
        {
          as: who,
          query: { resource_id: "listed-judge" },
        },
      );
      expect([level, reply.status]).toEqual([level, 200]);
      const ids = (reply.body.bindings ?? []).map((b) => b.endpoint_id);
      expect([level, ids.includes(w.endpointId)]).toEqual([level, ALLOWS[level].includes("read")]);
    }
  });

  it("lets only admins change budget policies, and any signed-in user read them (MLflow 3.11)", async () => {
    const w = await setUp();
    const policy = {
      budget_unit: "USD",
      budget_amount: 1000,
      duration: { unit: "DAYS", value: 1 },
      target_scope: "GLOBAL",
      budget_action: "ALERT",
    };
    const { budget_policy } = await ok<{ budget_policy: { budget_policy_id: string } }>(
      "POST",
      `${G}/budgets/create`,
      ADMIN,
      policy,
    );
    const ref = { budget_policy_id: budget_policy.budget_policy_id };
    const changes = [
      { method: "POST", path: `${G}/budgets/create`, body: policy },
      { method: "POST", path: `${G}/budgets/update`, body: { ...ref, budget_amount: 5 } },
      { method: "DELETE", path: `${G}/budgets/delete`, body: ref },
    ];
    const reads = [
      { path: `${G}/budgets/get`, query: ref },
      { path: `${G}/budgets/list`, query: {} },
      { path: `${G}/budgets/windows`, query: {} },
    ];
    for (const c of changes) {
      expect([c.path, (await call(c.method, c.path, { body: c.body })).status]).toEqual([c.path, 401]);
    }
    for (const r of reads) {
      expect([r.path, (await call("GET", r.path, { query: r.query })).status]).toEqual([r.path, 401]);
    }
    for (const [level, who] of callers(w).filter(([level]) => level !== "ADMIN")) {
      for (const c of changes) {
        const reply = await call<{ error_code?: string; message?: string }>(c.method, c.path, {
          as: who,
          body: c.body,
        });
        expect([level, c.path, reply.status, reply.body]).toEqual([
          level,
          c.path,
          403,
          { error_code: "PERMISSION_DENIED", message: "Permission denied: only an admin may do this." },
        ]);
      }
      for (const r of reads) {
        const reply = await call("GET", r.path, { as: who, query: r.query });
        expect([level, r.path, reply.status]).toEqual([level, r.path, 200]);
      }
    }
    expect(
      (await call("POST", `${G}/budgets/update`, { ...asAdmin, body: { ...ref, budget_amount: 5 } })).status,
    ).toBe(200);
    expect((await call("DELETE", `${G}/budgets/delete`, { ...asAdmin, body: ref })).status).toBe(200);
  });

  it("deletes only with MANAGE, and a resource's permissions go with it", async () => {
    const w = await setUp();
    const deletes = [
      { path: `${G}/endpoints/delete`, body: { endpoint_id: w.endpointId } },
      { path: `${G}/model-definitions/delete`, body: { model_definition_id: w.definitionId } },
      { path: `${G}/model-definitions/delete`, body: { model_definition_id: w.spareDefinitionId } },
      { path: `${G}/secrets/delete`, body: { secret_id: w.secretId } },
    ];
    for (const d of deletes) {
      for (const [level, who] of callers(w).filter(([level]) => !ALLOWS[level].includes("delete"))) {
        const reply = await call("DELETE", d.path, { as: who, body: d.body });
        expect([level, d.path, reply.status]).toEqual([level, d.path, 403]);
      }
    }
    // In order: the endpoint first (a model definition in use cannot go), then its definitions, the secret.
    for (const d of deletes) {
      expect([d.path, (await call("DELETE", d.path, { as: w.creator, body: d.body })).status]).toEqual([
        d.path,
        200,
      ]);
    }
    const username = w.users.USE.username;
    const leftovers: { path: string; query: Record<string, string> }[] = [
      { path: `${G}/endpoints/permissions/get`, query: { endpoint_id: w.endpointId, username } },
      {
        path: `${G}/model-definitions/permissions/get`,
        query: { model_definition_id: w.definitionId, username },
      },
      { path: `${G}/secrets/permissions/get`, query: { secret_id: w.secretId, username } },
    ];
    for (const left of leftovers) {
      const reply = await call("GET", left.path, { ...asAdmin, query: left.query });
      expect([left.path, reply.status]).toEqual([left.path, 404]);
    }
  });
});
