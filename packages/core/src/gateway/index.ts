export * from "./bindings";
export * from "./budgets";
export * from "./limits";
export * from "./providers/index";
export * from "./routing";
export * from "./secret-box";
export * from "./store";
export * from "./usage";
