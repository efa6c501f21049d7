import { type ArtifactSource, artifactPath, inPool, partSource, uploadArtifactFile } from "@edgeflow/sdk";
import { progress } from "./command";
import type { CommandContext } from "./context";
import type { FileSystem } from "./io";

export interface UploadFile {
  /** Relative to where it goes, "/"-separated. */
  path: string;
  size: number;
  source: ArtifactSource;
}

const CONCURRENCY = 4;

/** A file on disk as an upload source: re-opened on a retry, read by range for multipart parts. */
export function diskFile(fs: FileSystem, fullPath: string, path: string, size: number): UploadFile {
  return {
    path,
    size,
    source: {
      size,
      open: () => fs.openRead(fullPath),
      read: (start, end) => fs.readRange(fullPath, start, end),
    },
  };
}

export function memoryFile(path: string, bytes: Uint8Array): UploadFile {
  return { path, size: bytes.length, source: partSource(bytes) };
}

/**
 * Uploads `files` under `prefix` of an artifact URI (a run's or a logged model's), a few at a
 * time, with one progress line for all of them.
 */
export async function uploadAll(
  ctx: CommandContext,
  artifactUri: string | undefined,
  prefix: string,
  files: readonly UploadFile[],
): Promise<void> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const bar = progress(ctx, "uploading");
  let finished = 0;
  const inFlight = new Map<string, number>();
  const draw = () => bar.update(finished + [...inFlight.values()].reduce((a, b) => a + b, 0), total);
  try {
    await inPool(files, CONCURRENCY, async (file) => {
      const target = prefix ? `${prefix}/${file.path}` : file.path;
      await uploadArtifactFile(ctx.client.transport, artifactPath(artifactUri, target), file.source, {
        onProgress: (sent) => {
          inFlight.set(target, sent);
          draw();
        },
      });
      inFlight.delete(target);
      finished += file.size;
      draw();
    });
  } finally {
    bar.end();
  }
}
