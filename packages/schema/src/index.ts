export * from "./tables/index";
export * from "./wire/artifacts";
export * from "./wire/auth";
export * from "./wire/errors";
export * from "./wire/fields";
export * from "./wire/registry";
export * from "./wire/tracking";
export * from "./wire/traces";
