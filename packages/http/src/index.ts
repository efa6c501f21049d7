export { readBodyBytes, readBodyText, readQuery, readStreamBytes } from "./body";
export * from "./cors";
export { eventStream } from "./event-stream";
export { findRoute } from "./find-route";
export { JSON_DIALECTS, type JsonDialect, readJsonObject } from "./json-body";
export {
  DEFAULT_MAX_BODY_BYTES,
  type Guard,
  type MessageContext,
  messageRoute,
  readMlflowJson,
} from "./message-route";
export { checkOutboundUrl, outboundAllowList, outboundFetch } from "./outbound";
export * from "./respond";
export { type Landing, type Method, type Route, routeKey } from "./route";
export { type Match, type Routable, Router } from "./router";
