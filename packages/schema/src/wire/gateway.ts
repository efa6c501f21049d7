/**
 * MLflow 3's AI gateway messages (mlflow/protos/service.proto, 3.11.1: the Gateway* RPCs under
 * /api/3.0/mlflow/gateway). "Required" follows MLflow's handlers; the proto marks nothing required.
 * Secrets travel in only: every answer carries `masked_values`, never the value.
 */
import {
  bool,
  double,
  enumOf,
  type Infer,
  int64,
  message,
  numbered,
  repeated,
  string,
  stringMap,
} from "./fields";

export const RoutingStrategies = numbered(["ROUTING_STRATEGY_UNSPECIFIED", "REQUEST_BASED_TRAFFIC_SPLIT"], 0);
export const FallbackStrategies = numbered(["FALLBACK_STRATEGY_UNSPECIFIED", "SEQUENTIAL"], 0);
export const LinkageTypes = numbered(["LINKAGE_TYPE_UNSPECIFIED", "PRIMARY", "FALLBACK"], 0);
export const BudgetDurationUnits = numbered(
  ["DURATION_UNIT_UNSPECIFIED", "MINUTES", "HOURS", "DAYS", "WEEKS", "MONTHS"],
  0,
);
export const BudgetTargetScopes = numbered(["TARGET_SCOPE_UNSPECIFIED", "GLOBAL", "WORKSPACE"], 0);
export const BudgetActions = numbered(["BUDGET_ACTION_UNSPECIFIED", "ALERT", "REJECT"], 0);
export const BudgetUnits = numbered(["BUDGET_UNIT_UNSPECIFIED", "USD"], 0);

// --- entities -------------------------------------------------------------------------------

export const GatewaySecretInfo = message({
  secret_id: string(),
  secret_name: string(),
  masked_values: stringMap(),
  created_at: int64(),
  last_updated_at: int64(),
  provider: string(),
  created_by: string(),
  last_updated_by: string(),
  auth_config: stringMap(),
});

export const GatewayModelDefinition = message({
  model_definition_id: string(),
  name: string(),
  secret_id: string(),
  secret_name: string(),
  provider: string(),
  model_name: string(),
  created_at: int64(),
  last_updated_at: int64(),
  created_by: string(),
  last_updated_by: string(),
});

export const GatewayEndpointModelMapping = message({
  mapping_id: string(),
  endpoint_id: string(),
  model_definition_id: string(),
  model_definition: GatewayModelDefinition,
  weight: double(),
  created_at: int64(),
  created_by: string(),
  linkage_type: enumOf(LinkageTypes),
  fallback_order: int64(),
});

export const GatewayEndpointTag = message({ key: string(), value: string() });
export const FallbackConfig = message({ strategy: enumOf(FallbackStrategies), max_attempts: int64() });

export const GatewayEndpoint = message({
  endpoint_id: string(),
  name: string(),
  created_at: int64(),
  last_updated_at: int64(),
  model_mappings: repeated(GatewayEndpointModelMapping),
  created_by: string(),
  last_updated_by: string(),
  tags: repeated(GatewayEndpointTag),
  routing_strategy: enumOf(RoutingStrategies),
  fallback_config: FallbackConfig,
  experiment_id: string(),
  usage_tracking: bool(),
});

/** What a caller sends to attach a model definition (GatewayEndpointModelConfig). */
export const GatewayEndpointModelConfig = message({
  model_definition_id: string(),
  linkage_type: enumOf(LinkageTypes),
  weight: double(),
  fallback_order: int64(),
});

// --- requests and responses -----------------------------------------------------------------

export const CreateGatewaySecret = message({
  secret_name: string().req(),
  secret_value: stringMap(),
  provider: string(),
  auth_config: stringMap(),
  created_by: string(),
});
export const GatewaySecretRef = message({ secret_id: string().req() });
export const UpdateGatewaySecret = message({
  secret_id: string().req(),
  secret_value: stringMap(),
  auth_config: stringMap(),
  updated_by: string(),
});
export const ListGatewaySecretInfos = message({ provider: string() });
export const GatewaySecretResponse = message({ secret: GatewaySecretInfo });
export const ListGatewaySecretInfosResponse = message({ secrets: repeated(GatewaySecretInfo) });

export const CreateGatewayModelDefinition = message({
  name: string().req(),
  secret_id: string().req(),
  provider: string().req(),
  model_name: string().req(),
  created_by: string(),
});
export const GatewayModelDefinitionRef = message({ model_definition_id: string().req() });
export const UpdateGatewayModelDefinition = message({
  model_definition_id: string().req(),
  name: string(),
  secret_id: string(),
  model_name: string(),
  updated_by: string(),
  provider: string(),
});
export const ListGatewayModelDefinitions = message({ provider: string(), secret_id: string() });
export const GatewayModelDefinitionResponse = message({ model_definition: GatewayModelDefinition });
export const ListGatewayModelDefinitionsResponse = message({
  model_definitions: repeated(GatewayModelDefinition),
});

export const CreateGatewayEndpoint = message({
  name: string().req(),
  model_configs: repeated(GatewayEndpointModelConfig).req(),
  created_by: string(),
  routing_strategy: enumOf(RoutingStrategies),
  fallback_config: FallbackConfig,
  experiment_id: string(),
  usage_tracking: bool(),
});
export const GetGatewayEndpoint = message({ endpoint_id: string(), name: string() });
export const UpdateGatewayEndpoint = message({
  endpoint_id: string().req(),
  name: string(),
  updated_by: string(),
  model_configs: repeated(GatewayEndpointModelConfig),
  routing_strategy: enumOf(RoutingStrategies),
  fallback_config: FallbackConfig,
  experiment_id: string(),
  usage_tracking: bool(),
});
export const GatewayEndpointRef = message({ endpoint_id: string().req() });
export const ListGatewayEndpoints = message({ provider: string(), secret_id: string() });
export const GatewayEndpointResponse = message({ endpoint: GatewayEndpoint });
export const ListGatewayEndpointsResponse = message({ endpoints: repeated(GatewayEndpoint) });

export const AttachModelToGatewayEndpoint = message({
  endpoint_id: string().req(),
  model_config: GatewayEndpointModelConfig.req(),
  created_by: string(),
});
export const AttachModelToGatewayEndpointResponse = message({ mapping: GatewayEndpointModelMapping });
export const DetachModelFromGatewayEndpoint = message({
  endpoint_id: string().req(),
  model_definition_id: string().req(),
});
export const SetGatewayEndpointTag = message({
  endpoint_id: string().req(),
  key: string().req(),
  value: string(),
});
export const DeleteGatewayEndpointTag = message({ endpoint_id: string().req(), key: string().req() });

// --- endpoint bindings and budget policies -------------------------------------------------

export const GatewayEndpointBinding = message({
  endpoint_id: string(),
  resource_type: string(),
  resource_id: string(),
  created_at: int64(),
  last_updated_at: int64(),
  created_by: string(),
  last_updated_by: string(),
  display_name: string(),
});
export const CreateGatewayEndpointBinding = message({
  endpoint_id: string().req(),
  resource_type: string().req(),
  resource_id: string().req(),
  created_by: string(),
});
export const CreateGatewayEndpointBindingResponse = message({ binding: GatewayEndpointBinding });
export const DeleteGatewayEndpointBinding = message({
  endpoint_id: string().req(),
  resource_type: string().req(),
  resource_id: string().req(),
});
export const ListGatewayEndpointBindings = message({
  endpoint_id: string(),
  resource_type: string(),
  resource_id: string(),
});
export const ListGatewayEndpointBindingsResponse = message({ bindings: repeated(GatewayEndpointBinding) });

/** A fixed window's length: `value` `unit`s (int32 in the proto). */
export const BudgetDuration = message({ unit: enumOf(BudgetDurationUnits), value: int64() });
export const GatewayBudgetPolicy = message({
  budget_policy_id: string(),
  budget_unit: enumOf(BudgetUnits),
  budget_amount: double(),
  duration: BudgetDuration,
  target_scope: enumOf(BudgetTargetScopes),
  budget_action: enumOf(BudgetActions),
  created_by: string(),
  created_at: int64(),
  last_updated_by: string(),
  last_updated_at: int64(),
});
export const CreateGatewayBudgetPolicy = message({
  budget_unit: enumOf(BudgetUnits).req(),
  budget_amount: double().req(),
  duration: BudgetDuration.req(),
  target_scope: enumOf(BudgetTargetScopes).req(),
  budget_action: enumOf(BudgetActions).req(),
  created_by: string(),
});
export const GatewayBudgetPolicyRef = message({ budget_policy_id: string().req() });
export const UpdateGatewayBudgetPolicy = message({
  budget_policy_id: string().req(),
  budget_unit: enumOf(BudgetUnits),
  budget_amount: double(),
  duration: BudgetDuration,
  target_scope: enumOf(BudgetTargetScopes),
  budget_action: enumOf(BudgetActions),
  updated_by: string(),
});
export const GatewayBudgetPolicyResponse = message({ budget_policy: GatewayBudgetPolicy });
export const ListGatewayBudgetPolicies = message({ max_results: int64(), page_token: string() });
export const ListGatewayBudgetPoliciesResponse = message({
  budget_policies: repeated(GatewayBudgetPolicy),
  next_page_token: string(),
});
export const BudgetWindow = message({
  budget_policy_id: string(),
  window_start_ms: int64(),
  window_end_ms: int64(),
  current_spend: double(),
});
export const ListGatewayBudgetWindowsResponse = message({ windows: repeated(BudgetWindow) });

export type GatewayEndpointBindingWire = Infer<typeof GatewayEndpointBinding.spec>;
export type GatewayBudgetPolicyWire = Infer<typeof GatewayBudgetPolicy.spec>;
export type BudgetWindowWire = Infer<typeof BudgetWindow.spec>;
export type GatewaySecretInfoWire = Infer<typeof GatewaySecretInfo.spec>;
export type GatewayModelDefinitionWire = Infer<typeof GatewayModelDefinition.spec>;
export type GatewayEndpointWire = Infer<typeof GatewayEndpoint.spec>;
