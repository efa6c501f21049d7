import { ALIAS_TTL_MS, enforceParams, parseScoringRequest } from "@edgeflow/core";
import { json } from "@edgeflow/http";
import { readText } from "../http/read-body";
import { loadedModel, servedVersion } from "../models";
import { serve } from "../serve";
import { refFromPath } from "./model-ref";
import { maxBatchOf, unifiedLlm } from "./openai";
import { MODEL_READ, route } from "./route";

export const modelRoutes = [
  /** What a version is and how to call it; reading it never loads the model. */
  route("GET", "/models/{ref+}/metadata", MODEL_READ, async (_request, { env, params, authorization }) => {
    const served = await servedVersion(env, refFromPath(params.ref), authorization);
    const { identity, spec } = served;
    const traffic = identity.traffic
      ? Object.fromEntries(identity.traffic.map((share) => [String(share.version), share.weight]))
      : null;
    const flavor = spec.flavor;
    return json({
      name: identity.name,
      version: identity.version,
      model_id: identity.modelId,
      flavor: flavor.kind,
      flavors: spec.flavors,
      task: flavor.kind === "transformers_js" ? flavor.task : null,
      dtype: flavor.kind === "transformers_js" ? flavor.dtype : null,
      signature: spec.signature ?? null,
      source: identity.source,
      run_id: identity.runId,
      mlflow_version: spec.mlflowVersion ?? null,
      alias_ttl_seconds: ALIAS_TTL_MS / 1000,
      // An alias's routing tags, as the inference worker reads them (version → weight; the shadow).
      traffic_split: traffic,
      shadow_version: identity.shadowVersion,
      request_logging: identity.requestLogging
        ? {
            experiment_id: identity.requestLogging.experimentId,
            sample_rate: identity.requestLogging.sampleRate,
            max_payload_bytes: identity.requestLogging.maxPayloadBytes,
          }
        : null,
    });
  }),

  /** MLflow's scoring protocol. */
  route("POST", "/models/{ref+}/invocations", MODEL_READ, async (request, ctx) => {
    const ref = refFromPath(ctx.params.ref);
    const body = await readText(request);
    const contentType = request.headers.get("Content-Type");
    const { env } = ctx;
    return serve(ctx, { ref, endpoint: "invocations", body }, async (served) => {
      // Parsed per answer (the live version's and a shadow's), so a malformed body is logged too.
      const parsed = parseScoringRequest(contentType, body);
      const model = await loadedModel(env, served);
      if (parsed.kind === "llm") return unifiedLlm(env, served, model, parsed.body);
      const inferenceParams = enforceParams(served.spec.signature, parsed.params);
      const predictions = await model.predict(parsed.input, inferenceParams, maxBatchOf(env));
      return json({ predictions });
    });
  }),
];
