export { COMMANDS, type Command } from "./commands";
export { type CliIo, main } from "./main";
export { invocationsUrl, type ModelRef, parseModelRef } from "./model-ref";
