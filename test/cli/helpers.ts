import { SELF } from "cloudflare:test";
import { type CliIo, main } from "@edgeflow/cli";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `edgeflow ...argv` with the worker under test as its network and `files` as its disk. */
export async function edgeflow(argv: string[], files: Record<string, string> = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
    isTTY: false,
    fetch: (request) => SELF.fetch(request),
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file '${path}'`);
      return text;
    },
  };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}
