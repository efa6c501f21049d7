export * from "./tables/index";
export * from "./wire/errors";
export * from "./wire/fields";
export * from "./wire/tracking";
