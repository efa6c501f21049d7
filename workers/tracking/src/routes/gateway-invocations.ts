import type { EndpointKind, Json } from "@edgeflow/core";
import * as core from "@edgeflow/core";
import { JSON_DIALECTS, type JsonDialect, json, readJsonObject } from "@edgeflow/http";
import { type GatewayEndpointWire, MlflowError } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { invoke } from "../gateway/invoke";
import type { RequestContext } from "../request-context";
import { type Route, rawRoute } from "./route";

/**
 * Calling gateway endpoints, at the paths each client uses: MLflow 2.x's deployments server
 * (`mlflow.deployments.get_deploy_client`: /api/2.0/endpoints/, /endpoints/<name>/invocations),
 * MLflow 3.x's gateway (/gateway/<name>/mlflow/invocations, /gateway/mlflow/v1/chat/completions)
 * and OpenAI's (/v1/chat/completions, /v1/completions, /v1/embeddings with `model` = the
 * endpoint's name). Invoking needs USE on the endpoint (MLflow 3.11's
 * _validate_gateway_use_permission), checked by the handler once it knows the endpoint: from the
 * path before the body is read, from the body's `model` after. Listing and describing need READ.
 */

/** Largest request body (a prompt and its messages); more is a 413. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The tracking API's refusals (a text/plain body is a 400, as everywhere on this worker), but 413 for size. */
const GATEWAY_BODY: JsonDialect = {
  ...JSON_DIALECTS.mlflowApi,
  tooLarge: (limit) =>
    new MlflowError("INVALID_PARAMETER_VALUE", `Request body must be at most ${limit} bytes.`, {
      status: 413,
    }),
};

const invalid = (message: string) => MlflowError.invalidParameter(message);

/** The caller's payload checked for its kind: what every provider mapping may rely on. */
function checkPayload(kind: EndpointKind, payload: Json): Json {
  if (kind === "llm/v1/chat") {
    const messages = payload.messages;
    const ok =
      Array.isArray(messages) &&
      messages.length > 0 &&
      messages.every((m) => m && typeof m === "object" && typeof (m as Json).role === "string");
    if (!ok) throw invalid("Invalid chat payload: 'messages' must be a non-empty list of {role, content}.");
  } else if (kind === "llm/v1/completions") {
    if (typeof payload.prompt !== "string")
      throw invalid("Invalid completions payload: 'prompt' must be a string.");
  } else {
    const input = payload.input;
    const ok =
      typeof input === "string" || (Array.isArray(input) && input.every((i) => typeof i === "string"));
    if (!ok) throw invalid("Invalid embeddings payload: 'input' must be a string or a list of strings.");
  }
  if (payload.stream !== undefined && typeof payload.stream !== "boolean") {
    throw invalid("'stream' must be true or false.");
  }
  if (payload.stream === true && kind === "llm/v1/embeddings")
    throw invalid("Embeddings cannot be streamed.");
  return payload;
}

/** MLflow 2.x endpoints have a type; MLflow 3.x's do not, so a body's shape says which it is. */
function kindOfBody(payload: Json): EndpointKind | undefined {
  if ("messages" in payload) return "llm/v1/chat";
  if ("prompt" in payload) return "llm/v1/completions";
  if ("input" in payload) return "llm/v1/embeddings";
  return undefined;
}

/** USE on the endpoint (rule.GATEWAY_INVOKE); an endpoint that does not exist is left to invoke's 404. */
const mayUse = (ctx: RequestContext, endpoint: string) => ctx.auth.authorize({ endpoint });

/** The 2.x description's endpoint, from its path (as the router decodes it). */
const describedEndpoint: rule.Picker<string> = ({ url }) => {
  const segment = /^\/api\/2\.0\/endpoints\/([^/]+)$/.exec(url.pathname)?.[1];
  return segment === undefined ? undefined : decodeURIComponent(segment);
};

const requestIdOf = (request: Request) => request.headers.get("X-Request-Id") || crypto.randomUUID();

type Handle = Route["handle"];

/** /endpoints/<name>/invocations and /gateway/<name>/invocations: the name in the path, no `model` in the body. */
const byPathName =
  (words: { noKind: string; modelRefused: boolean; kinds: readonly EndpointKind[] }): Handle =>
  async (request, rc) => {
    const ctx = rc as RequestContext;
    const endpoint = ctx.params.name ?? "";
    await mayUse(ctx, endpoint);
    const payload = await readJsonObject(request, MAX_BODY_BYTES, GATEWAY_BODY);
    if (words.modelRefused && "model" in payload) {
      throw invalid(
        "The parameter 'model' is not permitted to be passed. The route being queried already defines a model instance.",
      );
    }
    const kind = kindOfBody(payload);
    if (!kind || !words.kinds.includes(kind)) throw invalid(words.noKind);
    const { model: _ignored, ...rest } = payload;
    return invoke(
      ctx,
      {
        endpoint,
        kind,
        payload: checkPayload(kind, rest),
        doneMarker: false,
        authorization: request.headers.get("Authorization"),
      },
      requestIdOf(request),
    );
  };

/** OpenAI's paths: the endpoint is the body's `model`. */
const byModelField =
  (kind: EndpointKind, doneMarker: boolean): Handle =>
  async (request, rc) => {
    const { model, ...payload } = await readJsonObject(request, MAX_BODY_BYTES, GATEWAY_BODY);
    if (typeof model !== "string" || model === "")
      throw invalid("Missing required 'model' parameter in request body");
    await mayUse(rc as RequestContext, model);
    return invoke(
      rc as RequestContext,
      {
        endpoint: model,
        kind,
        payload: checkPayload(kind, payload),
        doneMarker,
        authorization: request.headers.get("Authorization"),
      },
      requestIdOf(request),
    );
  };

/** An endpoint as MLflow 2.x's deployments server lists it. */
function deploymentOf(endpoint: GatewayEndpointWire): Json {
  const primary = (endpoint.model_mappings ?? []).find((m) => m.linkage_type !== "FALLBACK");
  const tag = (key: string) => (endpoint.tags ?? []).find((t) => t.key === key)?.value;
  const type = tag("endpoint_type");
  const limit = tag(core.LIMIT_TAG);
  return {
    name: endpoint.name,
    endpoint_type: type ?? "llm/v1/chat",
    model: {
      name: primary?.model_definition?.model_name ?? null,
      provider: primary?.model_definition?.provider ?? null,
    },
    endpoint_url: `/gateway/${endpoint.name}/invocations`,
    // As MLflow 2.x lists it: {calls, key, renewal_period}, or null.
    limit: limit === undefined ? null : { ...core.parseCallLimit(limit), key: null },
  };
}

const mlflow2 = byPathName({
  noKind:
    "Invalid request: the payload needs 'messages' (chat), 'prompt' (completions) or 'input' (embeddings).",
  modelRefused: true,
  kinds: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
});

export const gatewayInvocationRoutes: Route[] = [
  rawRoute("GET", "/api/2.0/endpoints/", rule.USER, async (_request, rc) => {
    const ctx = rc as RequestContext;
    let endpoints = await core.listGatewayEndpoints(ctx.tracking, undefined);
    if (ctx.auth.caller) {
      const may = await core.gatewayReadable(ctx.tracking.db, ctx.auth.caller, "endpoint");
      endpoints = endpoints.filter((endpoint) => may(endpoint.endpoint_id ?? ""));
    }
    return json({ endpoints: endpoints.map(deploymentOf) });
  }),
  rawRoute(
    "GET",
    "/api/2.0/endpoints/{name}",
    rule.gateway("endpoint", "read", () => undefined, describedEndpoint),
    async (_request, rc) => {
      const ctx = rc as RequestContext;
      const name = ctx.params.name ?? "";
      const endpoint = await core.getGatewayEndpoint(ctx.tracking, { name }).catch((error: unknown) => {
        if (error instanceof MlflowError && error.errorCode === "RESOURCE_DOES_NOT_EXIST") {
          throw MlflowError.notFound(
            `The endpoint '${name}' is not present or active on the server. Please verify the endpoint name.`,
          );
        }
        throw error;
      });
      return json(deploymentOf(endpoint));
    },
  ),
  rawRoute("POST", "/endpoints/{name}/invocations", rule.GATEWAY_INVOKE, mlflow2),
  rawRoute("POST", "/gateway/{name}/invocations", rule.GATEWAY_INVOKE, mlflow2),
  rawRoute(
    "POST",
    "/gateway/{name}/mlflow/invocations",
    rule.GATEWAY_INVOKE,
    byPathName({
      noKind: "Invalid request: payload format must be either chat or embeddings",
      modelRefused: false,
      kinds: ["llm/v1/chat", "llm/v1/embeddings"],
    }),
  ),
  rawRoute(
    "POST",
    "/gateway/mlflow/v1/chat/completions",
    rule.GATEWAY_INVOKE,
    byModelField("llm/v1/chat", false),
  ),
  rawRoute("POST", "/v1/chat/completions", rule.GATEWAY_INVOKE, byModelField("llm/v1/chat", true)),
  rawRoute("POST", "/v1/completions", rule.GATEWAY_INVOKE, byModelField("llm/v1/completions", true)),
  rawRoute("POST", "/v1/embeddings", rule.GATEWAY_INVOKE, byModelField("llm/v1/embeddings", true)),
];
