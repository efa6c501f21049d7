export * from "./limits";
export * from "./providers/index";
export * from "./routing";
export * from "./secret-box";
export * from "./store";
export * from "./usage";
