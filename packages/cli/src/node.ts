import { readFile } from "node:fs/promises";
import { main } from "./main";

/** The CLI on Node: process streams, environment and files. */
export function runInNode(argv: readonly string[]): Promise<number> {
  return main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    readFile: (path) => readFile(path, "utf8"),
  });
}
