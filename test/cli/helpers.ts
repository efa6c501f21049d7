import { SELF } from "cloudflare:test";
import { type CliIo, type FileSystem, main } from "@edgeflow/cli";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export type Files = Record<string, string | Uint8Array>;

const bytesOf = (content: string | Uint8Array) =>
  typeof content === "string" ? new TextEncoder().encode(content) : content;

/** `files` as a disk: paths are keys ("dir/onnx/model.onnx"); writes land in the same object. */
export function memoryDisk(files: Files): FileSystem {
  const read = (path: string) => {
    const content = files[path];
    if (content === undefined) throw new Error(`ENOENT: no such file '${path}'`);
    return bytesOf(content);
  };
  return {
    readBytes: async (path) => read(path),
    readRange: async (path, start, end) => read(path).slice(start, end),
    openRead: (path) => new Blob([read(path)]).stream(),
    writeBytes: async (path, bytes) => {
      files[path] = bytes;
    },
    writeStream: async (path, body) => {
      files[path] = new Uint8Array(await new Response(body).arrayBuffer());
    },
    listFiles: async (dir) => {
      const prefix = `${dir.replace(/\/+$/, "")}/`;
      const inside = Object.keys(files).filter((path) => path.startsWith(prefix));
      if (inside.length === 0) return undefined;
      return inside
        .map((path) => ({ path: path.slice(prefix.length), size: read(path).length }))
        .sort((a, b) => a.path.localeCompare(b.path));
    },
    join: (...parts) => parts.join("/").replace(/\/+/g, "/"),
    basename: (path) => path.replace(/\/+$/, "").split("/").pop() ?? "",
  };
}

/**
 * Runs `edgeflow ...argv` with the worker under test as its network and `files` as its disk.
 * `answer` may reply in the worker's place (a server that reports another version, say);
 * `terminal` runs it as on a TTY (tables, progress lines).
 */
export async function edgeflow(
  argv: string[],
  files: Files = {},
  answer?: (request: Request) => Response | undefined,
  terminal = false,
): Promise<CliResult> {
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
    isTTY: terminal,
    fetch: async (request) => answer?.(request) ?? SELF.fetch(request),
    files: memoryDisk(files),
  };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}
