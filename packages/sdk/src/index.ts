export { MlflowError } from "@edgeflow/schema/wire";
export * from "./artifacts";
export { call, createClient, type EndpointMethods, type MlflowClient } from "./client";
export * from "./multipart";
export * from "./options";
export { inPool } from "./pool";
export { ActiveRun, type MetricOptions, type StartRunOptions, startRun } from "./run";
export * from "./system-metrics";
export { errorFrom, Transport } from "./transport";
