/** The wire format alone (messages, fields, errors): what a client needs, without the tables. */
export * from "../enums";
export * from "./artifacts";
export * from "./auth";
export * from "./errors";
export * from "./fields";
export * from "./gateway";
export * from "./logged-models";
export * from "./registry";
export * from "./traces";
export * from "./tracking";
export * from "./ui";
