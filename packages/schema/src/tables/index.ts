export * from "./auth";
export * from "./datasets";
export * from "./experiments";
export * from "./gateway";
export * from "./logged-models";
export * from "./registry";
export * from "./runs";
export * from "./traces";
