/**
 * MLflow's enumerations, declared once, by name and in their .proto order. The tables store them
 * by name (a text column's `enum`), the wire messages number them as protobuf does (`numbered`
 * in wire/fields.ts), and the TypeScript types are derived from the lists.
 */

/** MLflow's two lifecycle stages, shared by experiments, runs and logged models. */
export const lifecycleStages = ["active", "deleted"] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

/** MLflow's ViewType (service.proto: ACTIVE_ONLY = 1). */
export const viewTypes = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"] as const;
export type ViewType = (typeof viewTypes)[number];

/** MLflow's RunStatus (service.proto: RUNNING = 1), stored by name as MLflow's SQL store does. */
export const runStatuses = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"] as const;
export type RunStatus = (typeof runStatuses)[number];

/**
 * MLflow 2.12.2's four permission levels, stored by name as MLflow stores them: what experiments
 * and registered models take (and say, in 2.12.2's words, when given anything else).
 */
export const permissionNames = ["READ", "EDIT", "MANAGE", "NO_PERMISSIONS"] as const;
export type PermissionName = (typeof permissionNames)[number];

/**
 * MLflow 3.11's five, in its order: USE (read and invoke) is what the AI gateway's secrets, model
 * definitions and endpoints add; only their permissions take it.
 */
export const gatewayPermissionNames = ["READ", "USE", "EDIT", "MANAGE", "NO_PERMISSIONS"] as const;
export type GatewayPermissionName = (typeof gatewayPermissionNames)[number];

/** MLflow's stages, stored in their canonical spelling. */
export const modelVersionStages = ["None", "Staging", "Production", "Archived"] as const;
export type ModelVersionStage = (typeof modelVersionStages)[number];

/**
 * MLflow's ModelVersionStatus (model_registry.proto: PENDING_REGISTRATION = 1); a version is
 * READY as soon as it is created (no async copy).
 */
export const modelVersionStatuses = ["PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY"] as const;
export type ModelVersionStatus = (typeof modelVersionStatuses)[number];

/** MLflow's LoggedModelStatus (service.proto: LOGGED_MODEL_STATUS_UNSPECIFIED = 0), stored by name. */
export const loggedModelStatuses = [
  "LOGGED_MODEL_STATUS_UNSPECIFIED",
  "LOGGED_MODEL_PENDING",
  "LOGGED_MODEL_READY",
  "LOGGED_MODEL_UPLOAD_FAILED",
] as const;
export type LoggedModelStatus = (typeof loggedModelStatuses)[number];

/** MLflow's TraceInfoV3.State (STATE_UNSPECIFIED = 0), stored by name. */
export const traceStates = ["STATE_UNSPECIFIED", "OK", "ERROR", "IN_PROGRESS"] as const;
export type TraceState = (typeof traceStates)[number];

/** MLflow's AssessmentSource.SourceType (SOURCE_TYPE_UNSPECIFIED = 0), stored by name. */
export const assessmentSourceTypes = ["SOURCE_TYPE_UNSPECIFIED", "HUMAN", "LLM_JUDGE", "CODE"] as const;
export type AssessmentSourceType = (typeof assessmentSourceTypes)[number];

/** Which of an assessment's two values it carries (MLflow's assessments.assessment_type). */
export const assessmentTypes = ["feedback", "expectation"] as const;
export type AssessmentType = (typeof assessmentTypes)[number];
