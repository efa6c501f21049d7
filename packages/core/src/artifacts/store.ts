/** Where artifacts live. Core only sees this interface; workers bind it to a bucket. */
export interface ArtifactEntry {
  /** Path relative to the listed directory's root (see `list`). */
  path: string;
  isDir: boolean;
  size?: number;
}

export interface ArtifactObject {
  body: ReadableStream<Uint8Array>;
  /** Bytes in `body`. */
  size: number;
  /** The whole object's size (differs from `size` for a range). */
  totalSize: number;
  contentType?: string;
  /** Set when a range was served: "bytes start-end/total". */
  contentRange?: string;
  etag?: string;
}

export interface MultipartCredential {
  partNumber: number;
  url: string;
  headers: Record<string, string>;
}

export interface ArtifactStore {
  /** Stores an object; bodies stream through, never buffered whole. */
  put(
    path: string,
    body: ReadableStream<Uint8Array> | Uint8Array | string,
    options: PutOptions,
  ): Promise<void>;
  /** Reads an object (or one byte range of it); undefined when absent. */
  get(path: string, range?: ByteRange): Promise<ArtifactObject | undefined>;
  /** Immediate children of a directory, paths relative to `directory`, sorted. */
  list(directory: string): Promise<ArtifactEntry[]>;
  /** Deletes an object or everything below a directory. */
  delete(path: string): Promise<void>;
  createMultipartUpload(
    path: string,
    numParts: number,
  ): Promise<{ uploadId: string; credentials: MultipartCredential[] }>;
  completeMultipartUpload(
    path: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ): Promise<void>;
  abortMultipartUpload(path: string, uploadId: string): Promise<void>;
}

export interface PutOptions {
  contentLength?: number;
  contentType?: string;
}

/** A single HTTP byte range, already parsed (suffix ranges have no start). */
export type ByteRange = { start: number; end?: number } | { suffix: number };
