export { requireTraces } from "./access";
export * from "./assessments";
export * from "./manage";
export * from "./read";
export { recordServedRequests, type ServedRequestTrace } from "./serving-log";
export { INLINE_SPAN_BYTES, logSpans } from "./spans";
export * from "./start-trace";
export { getTraceInfo } from "./trace-info";
