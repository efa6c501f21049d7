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
import { hashOf } from "../inference/traffic";
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

/** What one invocation of an endpoint tries, in order: its primary model, then its fallbacks. */
export interface GatewayRoute {
  endpointId: string;
  name: string;
  tags: Record<string, string>;
  attempts: (ProviderTarget & { definitionName: string })[];
}

/**
 * The primary that answers one request. With REQUEST_BASED_TRAFFIC_SPLIT the request id is hashed
 * onto the primaries' weights (MLflow draws at random; a hash gives the same split and lets a
 * caller, and a test, know which model a given request id reaches); otherwise the first primary.
 */
export function pickPrimary<T extends { weight: number }>(
  primaries: readonly T[],
  split: boolean,
  requestId: string,
  salt: string,
): T {
  if (!split || primaries.length === 1) return primaries[0] as T;
  const total = primaries.reduce((sum, p) => sum + Math.max(0, p.weight), 0);
  if (total <= 0) return primaries[0] as T;
  let point = (hashOf(`${salt}\n${requestId}`) / 0x1_0000_0000) * total;
  for (const primary of primaries) {
    const weight = Math.max(0, primary.weight);
    if (point < weight) return primary;
    point -= weight;
  }
  return primaries.findLast((p) => p.weight > 0) as T;
}

/**
 * An endpoint's route for one request: models whose secret was deleted are skipped (as MLflow
 * does), the primary picked, then the fallbacks by fallback_order (unset last), at most
 * max_attempts of them; each model's secret opened for the call.
 */
export async function gatewayRoute(
  ctx: TrackingContext,
  box: SecretBox | undefined,
  name: string,
  requestId: string,
): Promise<GatewayRoute> {
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
  const primaries = candidates.filter((m) => m.linkageType === "PRIMARY");
  if (primaries.length === 0)
    throw MlflowError.notFound(`Endpoint '${name}' has no PRIMARY models configured`);
  const primary = pickPrimary(
    primaries,
    endpoint.routingStrategy === "REQUEST_BASED_TRAFFIC_SPLIT",
    requestId,
    endpoint.endpointId,
  );
  const fallbacks = candidates
    .filter((m) => m.linkageType === "FALLBACK")
    .sort(
      (a, b) => (a.fallbackOrder ?? Number.MAX_SAFE_INTEGER) - (b.fallbackOrder ?? Number.MAX_SAFE_INTEGER),
    );
  const config = endpoint.fallbackConfig
    ? (JSON.parse(endpoint.fallbackConfig) as { max_attempts?: number })
    : {};
  const tries = config.max_attempts ? Math.min(config.max_attempts, fallbacks.length) : fallbacks.length;
  const chosen = [
    primary,
    ...(endpoint.fallbackConfig || fallbacks.length > 0 ? fallbacks.slice(0, tries) : []),
  ];
  if (!box) throw keyMissing();
  const attempts = await Promise.all(
    chosen.map(async (model) => ({
      definitionName: model.definitionName,
      provider: model.provider,
      modelName: model.modelName,
      secret: JSON.parse(await box.open(model.encryptedValue, `${model.secretId}|${model.secretName}`)),
      authConfig: model.authConfig ? JSON.parse(model.authConfig) : {},
    })),
  );
  return {
    endpointId: endpoint.endpointId,
    name: endpoint.name,
    tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    attempts,
  };
}
