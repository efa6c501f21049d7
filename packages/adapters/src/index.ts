export { BudgetCache } from "./budget-cache";
export { ExpiringCache } from "./expiring-cache";
export { S3ArtifactStore, type S3Config } from "./s3-store";
export { artifactStoreFromVars, type S3Vars } from "./store-from-vars";
