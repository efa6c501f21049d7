import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { Readable, Writable } from "node:stream";
import type { FileEntry, FileSystem } from "./io";
import { main } from "./main";

async function listFiles(dir: string): Promise<FileEntry[] | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: FileEntry[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(dir, full).split(sep).join("/"), size: (await stat(full)).size });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export const nodeFiles: FileSystem = {
  readBytes: async (path) => new Uint8Array(await readFile(path)),
  openRead: (path) => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
  readRange: async (path, start, end) => {
    const file = await open(path, "r");
    try {
      const bytes = new Uint8Array(end - start);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, start);
      return bytes.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  },
  writeBytes: async (path, bytes) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  },
  writeStream: async (path, body) => {
    await mkdir(dirname(path), { recursive: true });
    await body.pipeTo(Writable.toWeb(createWriteStream(path)));
  },
  listFiles,
  join,
  basename,
};

/** The CLI on Node: process streams, environment and files. */
export function runInNode(argv: readonly string[]): Promise<number> {
  return main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    files: nodeFiles,
  });
}
