export { MlflowError } from "@edgeflow/schema/wire";
export * from "./artifacts";
export { call, createClient, type EndpointMethods, type MlflowClient } from "./client";
export * from "./options";
export { ActiveRun, type MetricOptions, type StartRunOptions, startRun } from "./run";
export { errorFrom, Transport } from "./transport";
