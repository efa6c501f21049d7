/** What the CLI needs from its runtime; Node gives the real ones (node.ts), tests their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Tables and progress on a terminal; plain lines otherwise. */
  isTTY: boolean;
  fetch?: (request: Request) => Promise<Response>;
  /** The disk: `@FILE` arguments, models and artifacts. */
  files: FileSystem;
}

export interface FileEntry {
  /** Relative to the folder listed, "/"-separated. */
  path: string;
  size: number;
}

export interface FileSystem {
  readBytes(path: string): Promise<Uint8Array>;
  /** A file's bytes as they are read (uploads stream, they do not load the file whole). */
  openRead(path: string): ReadableStream<Uint8Array>;
  /** Bytes [start, end) of a file: one multipart part. */
  readRange(path: string, start: number, end: number): Promise<Uint8Array>;
  writeBytes(path: string, bytes: Uint8Array): Promise<void>;
  writeStream(path: string, body: ReadableStream<Uint8Array>): Promise<void>;
  /** Every file under `dir`, recursively; undefined when `dir` is not a folder. */
  listFiles(dir: string): Promise<FileEntry[] | undefined>;
  join(...parts: string[]): string;
  basename(path: string): string;
}
