import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  type ListObjectsCommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { MlflowError } from "@edgeflow/schema";
import { readChunks } from "./chunks";
import "./xml-dom";
import type {
  ArtifactEntry,
  ArtifactObject,
  ArtifactStore,
  ByteRange,
  MultipartCredential,
  PutOptions,
} from "@edgeflow/core";

export interface S3Config {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Optional key prefix, so one bucket can hold several deployments. */
  prefix?: string;
  /** Keys per listing request (S3's maximum, 1000, unless a test wants many pages). */
  listPageSize?: number;
}

/** Parts for bodies of unknown length: S3's minimum part size is 5 MiB. */
const STREAM_PART_BYTES = 8 * 1024 * 1024;
const PRESIGNED_URL_SECONDS = 3600;

function rangeHeader(range: ByteRange): string {
  return "suffix" in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ""}`;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === "NoSuchKey" || name === "NotFound";
}

/** The artifact store over any S3-compatible API: R2, AWS S3, MinIO, or a local test server. */
export class S3ArtifactStore implements ArtifactStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly listPageSize: number | undefined;

  constructor(config: S3Config) {
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      forcePathStyle: config.forcePathStyle,
      // Streamed bodies must not be rewritten into aws-chunked frames with trailing checksums:
      // R2 and most S3-compatible servers do not accept them.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    this.bucket = config.bucket;
    this.prefix = config.prefix ? `${config.prefix.replace(/\/+$/, "")}/` : "";
    this.listPageSize = config.listPageSize;
  }

  private key(path: string): string {
    return this.prefix + path;
  }

  async put(
    path: string,
    body: ReadableStream<Uint8Array> | Uint8Array | string,
    options: PutOptions,
  ): Promise<void> {
    if (body instanceof ReadableStream && options.contentLength === undefined) {
      await this.putUnknownLength(path, body, options.contentType);
      return;
    }
    const url = await this.presign(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), ContentType: options.contentType }),
    );
    const response = await fetch(url, {
      method: "PUT",
      body,
      headers: {
        ...(options.contentType && { "Content-Type": options.contentType }),
        ...(options.contentLength !== undefined && { "Content-Length": String(options.contentLength) }),
      },
    });
    if (!response.ok) {
      const detail = await response.text();
      throw new Error(`S3 PUT ${path} failed with ${response.status}: ${detail.slice(0, 200)}`);
    }
    await response.body?.cancel();
  }

  /** A chunked request body: multipart upload, holding one part in memory at a time. */
  private async putUnknownLength(path: string, body: ReadableStream<Uint8Array>, contentType?: string) {
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key(path),
        ContentType: contentType,
      }),
    );
    const uploadId = UploadId as string;
    try {
      const parts: { partNumber: number; etag: string }[] = [];
      for await (const chunk of readChunks(body, STREAM_PART_BYTES)) {
        const partNumber = parts.length + 1;
        const { ETag } = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: this.key(path),
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: chunk,
            ContentLength: chunk.byteLength,
          }),
        );
        parts.push({ partNumber, etag: ETag ?? "" });
      }
      if (parts.length === 0) {
        await this.abortMultipartUpload(path, uploadId);
        await this.put(path, new Uint8Array(0), { contentLength: 0, contentType });
        return;
      }
      await this.completeMultipartUpload(path, uploadId, parts);
    } catch (error) {
      await this.abortMultipartUpload(path, uploadId).catch(() => undefined);
      throw error;
    }
  }

  /** Suffix ranges ("the last N bytes") become explicit ones: not every S3 server implements them. */
  private async explicitRange(path: string, range: ByteRange): Promise<ByteRange | undefined> {
    if (!("suffix" in range)) return range;
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    const size = head.ContentLength ?? 0;
    if (range.suffix === 0 || size === 0) return undefined;
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }

  /**
   * Bytes move with the platform's own fetch against a presigned URL: the SDK signs, but its
   * JavaScript stream plumbing never carries the data, so large files stream at native speed.
   */
  private presign(command: GetObjectCommand | PutObjectCommand | UploadPartCommand): Promise<string> {
    // The presigner's parameter type is generic over one command type; any S3 command signs alike.
    const signable = command as Parameters<typeof getSignedUrl>[1];
    return getSignedUrl(this.client, signable, { expiresIn: PRESIGNED_URL_SECONDS });
  }

  async get(path: string, range?: ByteRange): Promise<ArtifactObject | undefined> {
    const explicit = range
      ? await this.explicitRange(path, range).catch((error) => {
          if (isMissing(error)) return "missing" as const;
          throw error;
        })
      : undefined;
    if (explicit === "missing") return undefined;
    const url = await this.presign(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    const response = await fetch(url, { headers: explicit ? { Range: rangeHeader(explicit) } : {} });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status === 416) {
      await response.body?.cancel();
      throw MlflowError.invalidParameter(`Range not satisfiable for '${path}'.`);
    }
    if (!response.ok || !response.body) {
      const detail = await response.text();
      throw new Error(`S3 GET ${path} failed with ${response.status}: ${detail.slice(0, 200)}`);
    }
    const size = Number(response.headers.get("Content-Length") ?? "0");
    const contentRange =
      response.status === 206 ? (response.headers.get("Content-Range") ?? undefined) : undefined;
    return {
      body: response.body,
      size,
      totalSize: contentRange ? Number(contentRange.split("/")[1]) : size,
      contentType: response.headers.get("Content-Type") ?? undefined,
      contentRange,
      etag: response.headers.get("ETag") ?? undefined,
    };
  }

  /**
   * One page of keys under a prefix, after `marker`. ListObjects (v1) with a Marker — the last key
   * seen — is the paging every S3-compatible server implements alike (s3rver fails truncated v2
   * listings).
   */
  private listPage(prefix: string, marker: string): Promise<ListObjectsCommandOutput> {
    return this.client.send(
      new ListObjectsCommand({
        Bucket: this.bucket,
        Prefix: prefix,
        Marker: marker,
        MaxKeys: this.listPageSize,
      }),
    );
  }

  /** Every page of keys under a prefix. */
  private async *listPages(prefix: string): AsyncGenerator<ListObjectsCommandOutput> {
    let marker = prefix;
    for (;;) {
      const page = await this.listPage(prefix, marker);
      yield page;
      const lastKey = page.Contents?.at(-1)?.Key;
      if (!page.IsTruncated || lastKey === undefined) return;
      marker = lastKey;
    }
  }

  /**
   * Immediate children without the Delimiter parameter, which some S3-compatible servers get wrong
   * for directories holding only subdirectories: keys are listed in order and, once a
   * subdirectory is seen, the listing resumes after its last possible key — one request per
   * subdirectory at most, one per 1,000 files.
   */
  async list(directory: string): Promise<ArtifactEntry[]> {
    const prefix = this.key(directory ? `${directory}/` : "");
    const entries: ArtifactEntry[] = [];
    let startAfter = prefix;
    for (;;) {
      const page = await this.listPage(prefix, startAfter);
      let skipTo: string | undefined;
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? "";
        if (skipTo !== undefined && key <= skipTo) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf("/");
        if (slash === -1) {
          if (rest) entries.push({ path: rest, isDir: false, size: object.Size ?? 0 });
          startAfter = key;
          continue;
        }
        const name = rest.slice(0, slash);
        if (name) entries.push({ path: name, isDir: true });
        // The greatest key inside this subdirectory, in S3's UTF-8 byte order.
        skipTo = `${prefix}${name}/\u{10FFFF}`;
        startAfter = skipTo;
      }
      // A truncated page resumes after the last key processed or the subdirectory skipped.
      if (!page.IsTruncated) break;
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(path: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    for await (const page of this.listPages(this.key(path ? `${path}/` : ""))) {
      const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key as string }));
      if (keys.length > 0) {
        await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
    }
  }

  async createMultipartUpload(path: string, numParts: number) {
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(path) }),
    );
    const uploadId = UploadId as string;
    const credentials: MultipartCredential[] = [];
    for (let partNumber = 1; partNumber <= numParts; partNumber += 1) {
      const url = await this.presign(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: this.key(path),
          UploadId: uploadId,
          PartNumber: partNumber,
        }),
      );
      credentials.push({ partNumber, url, headers: {} });
    }
    return { uploadId, credentials };
  }

  async completeMultipartUpload(
    path: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ) {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key(path),
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      }),
    );
  }

  /** Best effort: servers without the call (s3rver) keep the parts, which a lifecycle rule expires. */
  async abortMultipartUpload(path: string, uploadId: string) {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(path), UploadId: uploadId }),
      );
    } catch (error) {
      const name = (error as { name?: string })?.name;
      if (name !== "MethodNotAllowed" && name !== "NotImplemented" && name !== "NoSuchUpload") throw error;
    }
  }
}
