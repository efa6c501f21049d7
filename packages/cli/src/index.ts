export type { Command } from "./command";
export { COMMANDS } from "./commands";
export type { FileEntry, FileSystem } from "./io";
export { type CliIo, main } from "./main";
export { invocationsUrl, type ModelRef, parseModelRef } from "./model-ref";
