export * from "./auth";
export * from "./datasets";
export * from "./experiments";
export * from "./registry";
export * from "./runs";
