export * from "./assessments";
export * from "./manage";
export * from "./read";
export { INLINE_SPAN_BYTES, logSpans } from "./spans";
export * from "./start-trace";
export { experimentsOfTraces, getTraceInfo } from "./trace-info";
