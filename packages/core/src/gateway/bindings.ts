import type * as wire from "@edgeflow/schema";
import {
  type GatewayEndpointBindingWire,
  gatewayEndpointBindings,
  gatewayEndpoints,
  type Infer,
  MlflowError,
} from "@edgeflow/schema";
import { and, eq, sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { databaseErrorText } from "../db";

/**
 * MLflow 3.11's endpoint bindings (sqlalchemy_mixin.py create/delete/list_endpoint_binding): which
 * MLflow resource uses which endpoint, keyed by (endpoint_id, resource_type, resource_id). They go
 * with their endpoint (ON DELETE CASCADE, as MLflow's `endpoint_bindings`).
 */

type BindingRow = typeof gatewayEndpointBindings.$inferSelect;

/** MLflow 3.11's GatewayResourceType: the resources that may use an endpoint. */
export const GATEWAY_RESOURCE_TYPES = ["scorer"] as const;

function bindingToWire(row: BindingRow): GatewayEndpointBindingWire {
  return {
    endpoint_id: row.endpointId,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    created_at: row.createdAt,
    last_updated_at: row.lastUpdatedAt,
    created_by: row.createdBy ?? undefined,
    last_updated_by: row.lastUpdatedBy ?? undefined,
    display_name: row.displayName ?? undefined,
  };
}

/**
 * MLflow's handler turns resource_type into GatewayResourceType, whose ValueError escapes as a 500;
 * here it is the caller's 400, with Python's words.
 */
function validateResourceType(resourceType: string): void {
  if (!(GATEWAY_RESOURCE_TYPES as readonly string[]).includes(resourceType)) {
    throw MlflowError.invalidParameter(`'${resourceType}' is not a valid GatewayResourceType`);
  }
}

export async function createEndpointBinding(
  ctx: TrackingContext,
  input: Infer<typeof wire.CreateGatewayEndpointBinding.spec>,
): Promise<GatewayEndpointBindingWire> {
  validateResourceType(input.resource_type);
  const endpoint = await ctx.db
    .select({ id: gatewayEndpoints.endpointId })
    .from(gatewayEndpoints)
    .where(eq(gatewayEndpoints.endpointId, input.endpoint_id))
    .get();
  if (!endpoint) {
    throw MlflowError.notFound(`GatewayEndpoint not found (endpoint_id='${input.endpoint_id}')`);
  }
  const now = ctx.now();
  const createdBy = input.created_by || null;
  const row: BindingRow = {
    endpointId: input.endpoint_id,
    resourceType: input.resource_type,
    resourceId: input.resource_id,
    createdAt: now,
    lastUpdatedAt: now,
    createdBy,
    lastUpdatedBy: createdBy,
    displayName: null,
  };
  try {
    await ctx.db.insert(gatewayEndpointBindings).values(row);
  } catch (error) {
    // MLflow's session turns the primary key's IntegrityError into a 400 BAD_REQUEST.
    if (/UNIQUE constraint failed: gateway_endpoint_bindings/.test(databaseErrorText(error))) {
      throw new MlflowError(
        "BAD_REQUEST",
        `UNIQUE constraint failed: endpoint_bindings.endpoint_id, endpoint_bindings.resource_type, endpoint_bindings.resource_id (endpoint_id='${input.endpoint_id}', resource_type='${input.resource_type}', resource_id='${input.resource_id}')`,
      );
    }
    // The endpoint deleted since it was found.
    if (/FOREIGN KEY constraint failed/.test(databaseErrorText(error))) {
      throw MlflowError.notFound(`GatewayEndpoint not found (endpoint_id='${input.endpoint_id}')`);
    }
    throw error;
  }
  return bindingToWire(row);
}

export async function deleteEndpointBinding(
  ctx: TrackingContext,
  input: Infer<typeof wire.DeleteGatewayEndpointBinding.spec>,
): Promise<void> {
  const gone = await ctx.db
    .delete(gatewayEndpointBindings)
    .where(
      and(
        eq(gatewayEndpointBindings.endpointId, input.endpoint_id),
        eq(gatewayEndpointBindings.resourceType, input.resource_type),
        eq(gatewayEndpointBindings.resourceId, input.resource_id),
      ),
    )
    .returning({ id: gatewayEndpointBindings.endpointId });
  if (gone.length === 0) {
    throw MlflowError.notFound(
      `GatewayEndpointBinding not found (endpoint_id='${input.endpoint_id}', resource_type='${input.resource_type}', resource_id='${input.resource_id}')`,
    );
  }
}

/**
 * Every filter optional, as MLflow's; an empty string filters nothing (its handler's `or None`).
 * In the order they were made.
 */
export async function listEndpointBindings(
  ctx: TrackingContext,
  filter: Infer<typeof wire.ListGatewayEndpointBindings.spec>,
): Promise<GatewayEndpointBindingWire[]> {
  const rows = await ctx.db
    .select()
    .from(gatewayEndpointBindings)
    .where(
      and(
        filter.endpoint_id ? eq(gatewayEndpointBindings.endpointId, filter.endpoint_id) : undefined,
        filter.resource_type ? eq(gatewayEndpointBindings.resourceType, filter.resource_type) : undefined,
        filter.resource_id ? eq(gatewayEndpointBindings.resourceId, filter.resource_id) : undefined,
      ),
    )
    .orderBy(sql`${gatewayEndpointBindings}.rowid`);
  return rows.map(bindingToWire);
}
