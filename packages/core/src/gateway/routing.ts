import {
  gatewayEndpointModels,
  gatewayEndpoints,
  gatewayEndpointTags,
  gatewayModelDefinitions,
  gatewaySecrets,
  MlflowError,
} from "@edgeflow/schema";
import { eq, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { pickWeighted } from "../inference/traffic";
import type { ProviderTarget } from "./providers/provider";
import { keyMissing, type SecretBox } from "./secret-box";

/** A model of the endpoint as routing sees it. */
interface Candidate {
  definitionName: string;
  provider: string;
  modelName: string;
  secretId: string;
  secretName: string;
  encryptedValue: string;
  authConfig: string | null;
  weight: number;
  linkageType: "PRIMARY" | "FALLBACK";
  fallbackOrder: number | null;
}

type Target = ProviderTarget & { definitionName: string };

/**
 * An endpoint's models, as every invocation of it starts from: the primaries with their weights
 * and the fallbacks in order, each with its secret opened. Worth keeping for a few seconds per
 * isolate (the worker does): building it takes D1 round trips and a decryption per model.
 */
export interface GatewayEndpointModels {
  endpointId: string;
  name: string;
  /** Where its calls are traced: its experiment when usage tracking is on, else null. */
  traceExperimentId: string | null;
  tags: Record<string, string>;
  split: boolean;
  primaries: (Target & { weight: number })[];
  /** In fallback_order (unset last), already cut to max_attempts. */
  fallbacks: Target[];
}

/** What one invocation of an endpoint tries, in order: its primary model, then its fallbacks. */
export interface GatewayRoute {
  endpointId: string;
  name: string;
  traceExperimentId: string | null;
  tags: Record<string, string>;
  attempts: Target[];
}

/**
 * An endpoint's models for routing: those whose secret was deleted are skipped (as MLflow does);
 * no primary left is a 404.
 */
export async function loadGatewayEndpoint(
  ctx: TrackingContext,
  box: SecretBox | undefined,
  name: string,
): Promise<GatewayEndpointModels> {
  const endpoint = await ctx.db.select().from(gatewayEndpoints).where(eq(gatewayEndpoints.name, name)).get();
  if (!endpoint) throw MlflowError.notFound(`GatewayEndpoint not found (name='${name}')`);
  const [models, tags] = await Promise.all([
    ctx.db
      .select({
        definitionName: gatewayModelDefinitions.name,
        provider: gatewayModelDefinitions.provider,
        modelName: gatewayModelDefinitions.modelName,
        secretId: gatewaySecrets.secretId,
        secretName: gatewaySecrets.secretName,
        encryptedValue: gatewaySecrets.encryptedValue,
        authConfig: gatewaySecrets.authConfig,
        weight: gatewayEndpointModels.weight,
        linkageType: gatewayEndpointModels.linkageType,
        fallbackOrder: gatewayEndpointModels.fallbackOrder,
      })
      .from(gatewayEndpointModels)
      .innerJoin(
        gatewayModelDefinitions,
        eq(gatewayModelDefinitions.modelDefinitionId, gatewayEndpointModels.modelDefinitionId),
      )
      .innerJoin(gatewaySecrets, eq(gatewaySecrets.secretId, gatewayModelDefinitions.secretId))
      .where(eq(gatewayEndpointModels.endpointId, endpoint.endpointId))
      .orderBy(sql`${gatewayEndpointModels}.rowid`),
    ctx.db.select().from(gatewayEndpointTags).where(eq(gatewayEndpointTags.endpointId, endpoint.endpointId)),
  ]);
  const candidates = models as Candidate[];
  if (!candidates.some((m) => m.linkageType === "PRIMARY")) {
    throw MlflowError.notFound(`Endpoint '${name}' has no PRIMARY models configured`);
  }
  if (!box) throw keyMissing();
  const open = async (model: Candidate): Promise<Target & { weight: number }> => ({
    definitionName: model.definitionName,
    provider: model.provider,
    modelName: model.modelName,
    secret: JSON.parse(await box.open(model.encryptedValue, `${model.secretId}|${model.secretName}`)),
    authConfig: model.authConfig ? JSON.parse(model.authConfig) : {},
    weight: model.weight,
  });
  const fallbacks = candidates
    .filter((m) => m.linkageType === "FALLBACK")
    .sort(
      (a, b) => (a.fallbackOrder ?? Number.MAX_SAFE_INTEGER) - (b.fallbackOrder ?? Number.MAX_SAFE_INTEGER),
    );
  const config = endpoint.fallbackConfig
    ? (JSON.parse(endpoint.fallbackConfig) as { max_attempts?: number })
    : {};
  const tries = config.max_attempts ? Math.min(config.max_attempts, fallbacks.length) : fallbacks.length;
  return {
    endpointId: endpoint.endpointId,
    name: endpoint.name,
    traceExperimentId:
      endpoint.usageTracking && endpoint.experimentId !== null ? String(endpoint.experimentId) : null,
    tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    split: endpoint.routingStrategy === "REQUEST_BASED_TRAFFIC_SPLIT",
    primaries: await Promise.all(candidates.filter((m) => m.linkageType === "PRIMARY").map(open)),
    fallbacks: await Promise.all(fallbacks.slice(0, tries).map(open)),
  };
}

/**
 * One request's route: the primary, then the fallbacks. With REQUEST_BASED_TRAFFIC_SPLIT the
 * request id is hashed onto the primaries' weights (MLflow draws at random; a hash gives the same
 * split and lets a caller, and a test, know which model a given request id reaches); otherwise
 * the first primary answers.
 */
export function routeOf(endpoint: GatewayEndpointModels, requestId: string): GatewayRoute {
  const primary = endpoint.split
    ? pickWeighted(endpoint.primaries, requestId, endpoint.endpointId)
    : (endpoint.primaries[0] as Target);
  return {
    endpointId: endpoint.endpointId,
    name: endpoint.name,
    traceExperimentId: endpoint.traceExperimentId,
    tags: endpoint.tags,
    attempts: [primary, ...endpoint.fallbacks],
  };
}
