export type { Comparator, Condition, NumericComparator } from "./condition";
export { compileExperimentSearch, type ExperimentSearchQuery } from "./experiment-query";
export {
  type ExperimentFilterClause,
  MAX_FILTER_CLAUSES,
  MAX_FILTER_LENGTH,
  parseExperimentFilter,
  parseRunFilter,
  type RunFilterClause,
} from "./filter";
export { type LikeShape, MAX_PATTERN_BYTES } from "./like";
export {
  compileLoggedModelSearch,
  type DatasetFilter,
  type LoggedModelFilterClause,
  type LoggedModelOrderKey,
  type LoggedModelSearchQuery,
  parseLoggedModelFilter,
} from "./logged-model-query";
export {
  type ExperimentOrderKey,
  MAX_ORDER_BY_KEYS,
  parseExperimentOrderBy,
  parseRunOrderBy,
  type RunOrderKey,
} from "./order-by";
export { decodePageToken, encodePageToken } from "./page-token";
export {
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  type RegistryFilterClause,
} from "./registry-filter";
export {
  type ModelVersionOrderKey,
  parseModelVersionOrderBy,
  parseRegisteredModelOrderBy,
  type RegisteredModelOrderKey,
} from "./registry-order-by";
export {
  compileModelVersionSearch,
  compileRegisteredModelSearch,
  type RegistrySearchQuery,
} from "./registry-query";
export { compileRunSearch, type RunSearchQuery } from "./run-query";
export { MAX_BOUND_PARAMETERS, MAX_STATEMENT_BYTES } from "./statement";
export {
  compileTraceSearch,
  parseTraceFilter,
  parseTraceOrderBy,
  type TraceSearchQuery,
} from "./trace-query";
