/**
 * The auth endpoints' messages. MLflow's basic-auth app (mlflow/server/auth, v2.12.2) answers
 * with Flask's jsonify rather than protobuf JSON, so its responses keep empty lists
 * (`"experiment_permissions": []`) and `false`; the official client's `User.from_json` indexes
 * those keys directly. Edgeflow's token and visibility endpoints follow the same style.
 */
import { bool, type Field, type Infer, int64, message, repeated, string } from "./fields";

/** A repeated field written even when empty, as jsonify writes it. */
function list<T>(item: Field<T, boolean>): Field<T[], false> {
  const base = repeated(item);
  return { ...base, encode: (value: T[]) => value.map((entry) => item.encode(entry)) };
}

// --- entities -------------------------------------------------------------------------------

export const ExperimentPermissionEntity = message({
  experiment_id: string(),
  user_id: int64(),
  permission: string(),
});
export const RegisteredModelPermissionEntity = message({
  name: string(),
  user_id: int64(),
  permission: string(),
});
export const UserEntity = message({
  id: int64(),
  username: string(),
  is_admin: bool(),
  experiment_permissions: list(ExperimentPermissionEntity),
  registered_model_permissions: list(RegisteredModelPermissionEntity),
});
export const ApiTokenEntity = message({
  id: string(),
  name: string(),
  username: string(),
  creation_time: int64(),
  expiration_time: int64(),
});

export type UserWire = Infer<typeof UserEntity.spec>;
export type ExperimentPermissionWire = Infer<typeof ExperimentPermissionEntity.spec>;
export type RegisteredModelPermissionWire = Infer<typeof RegisteredModelPermissionEntity.spec>;
export type ApiTokenWire = Infer<typeof ApiTokenEntity.spec>;

// --- users (MLflow: /api/2.0/mlflow/users/...) ---------------------------------------------

export const UsernameOnly = message({ username: string().req() });
export const CreateUser = message({ username: string().req(), password: string().req() });
export const UpdateUserPassword = message({ username: string().req(), password: string().req() });
export const UpdateUserAdmin = message({ username: string().req(), is_admin: bool().req() });
export const UserResponse = message({ user: UserEntity });

// --- permissions (MLflow: experiments/permissions/..., registered-models/permissions/...) ------

export const ExperimentPermissionRef = message({
  experiment_id: string().req(),
  username: string().req(),
});
export const ExperimentPermissionChange = message({
  experiment_id: string().req(),
  username: string().req(),
  permission: string().req(),
});
export const ExperimentPermissionResponse = message({ experiment_permission: ExperimentPermissionEntity });

export const RegisteredModelPermissionRef = message({ name: string().req(), username: string().req() });
export const RegisteredModelPermissionChange = message({
  name: string().req(),
  username: string().req(),
  permission: string().req(),
});
export const RegisteredModelPermissionResponse = message({
  registered_model_permission: RegisteredModelPermissionEntity,
});

// --- AI gateway permissions (MLflow 3.11: /api/3.0/mlflow/gateway/{secrets,model-definitions,endpoints}/permissions/...)

export const GatewaySecretPermissionEntity = message({
  secret_id: string(),
  user_id: int64(),
  permission: string(),
});
export const GatewayModelDefinitionPermissionEntity = message({
  model_definition_id: string(),
  user_id: int64(),
  permission: string(),
});
export const GatewayEndpointPermissionEntity = message({
  endpoint_id: string(),
  user_id: int64(),
  permission: string(),
});
export type GatewaySecretPermissionWire = Infer<typeof GatewaySecretPermissionEntity.spec>;
export type GatewayModelDefinitionPermissionWire = Infer<typeof GatewayModelDefinitionPermissionEntity.spec>;
export type GatewayEndpointPermissionWire = Infer<typeof GatewayEndpointPermissionEntity.spec>;

export const GatewaySecretPermissionRef = message({ secret_id: string().req(), username: string().req() });
export const GatewaySecretPermissionChange = message({
  secret_id: string().req(),
  username: string().req(),
  permission: string().req(),
});
export const GatewaySecretPermissionResponse = message({
  gateway_secret_permission: GatewaySecretPermissionEntity,
});

export const GatewayModelDefinitionPermissionRef = message({
  model_definition_id: string().req(),
  username: string().req(),
});
export const GatewayModelDefinitionPermissionChange = message({
  model_definition_id: string().req(),
  username: string().req(),
  permission: string().req(),
});
export const GatewayModelDefinitionPermissionResponse = message({
  gateway_model_definition_permission: GatewayModelDefinitionPermissionEntity,
});

export const GatewayEndpointPermissionRef = message({
  endpoint_id: string().req(),
  username: string().req(),
});
export const GatewayEndpointPermissionChange = message({
  endpoint_id: string().req(),
  username: string().req(),
  permission: string().req(),
});
export const GatewayEndpointPermissionResponse = message({
  gateway_endpoint_permission: GatewayEndpointPermissionEntity,
});

// --- Edgeflow's API tokens (/api/2.0/edgeflow/tokens/...) -----------------------------------

export const CreateApiToken = message({ name: string(), expires_in_days: int64() });
/** `token` is the secret itself: this response is the only place it ever appears. */
export const CreateApiTokenResponse = message({ token: string(), token_info: ApiTokenEntity });
export const ListApiTokens = message({ username: string() });
export const ListApiTokensResponse = message({ tokens: list(ApiTokenEntity) });
export const RevokeApiToken = message({ id: string().req() });

// --- Edgeflow's model visibility for the inference worker ----------------------------------

export const SetRegisteredModelVisibility = message({ name: string().req(), visibility: string().req() });
export const RegisteredModelVisibility = message({ name: string().req() });
export const RegisteredModelVisibilityResponse = message({ name: string(), visibility: string() });
