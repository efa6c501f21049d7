export * from "./errors";
export * from "./mlmodel";
export * from "./model-ref";
export * from "./resolve";
export * from "./scoring";
export * from "./served-model";
export * from "./signature";
export * from "./tasks";
