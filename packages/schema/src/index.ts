export * from "./endpoints/index";
export * from "./tables/index";
export * from "./wire/index";
