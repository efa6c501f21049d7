export * from "./datasets";
export * from "./experiments";
export * from "./runs";
