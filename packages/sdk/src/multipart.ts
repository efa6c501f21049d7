import { MlflowError } from "@edgeflow/schema/wire";
import { inPool } from "./pool";
import { encodePath } from "./proxy-path";
import { errorFrom, type Transport } from "./transport";

/** A file read part by part: a Blob, bytes, or a reader over a file on disk. */
export interface PartSource {
  size: number;
  read(start: number, end: number): Promise<Uint8Array> | Uint8Array;
}

export interface MultipartOptions {
  /** Bytes per part (default 16 MiB; S3 and R2 want at least 5 MiB for every part but the last). */
  partSize?: number;
  /** Parts in flight at once (default 4). */
  concurrency?: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;

interface Credential {
  part_number?: string | number;
  url?: string;
  headers?: Record<string, string>;
}

/** Bytes, or a Blob (a browser File; Node's `fs.openAsBlob`), as a PartSource. */
export function partSource(body: Uint8Array | Blob): PartSource {
  if (body instanceof Uint8Array)
    return { size: body.length, read: (start, end) => body.subarray(start, end) };
  return {
    size: body.size,
    read: async (start, end) => new Uint8Array(await body.slice(start, end).arrayBuffer()),
  };
}

/**
 * One file sent through MLflow's multipart artifact endpoints (mpu/create, parts PUT straight to
 * the bucket on presigned URLs, mpu/complete), several parts at a time. The upload is resumable:
 * if `send()` fails (after the transport's own retries), calling it again sends only the parts
 * that have no ETag yet, on the same upload id, so a part that made it is never sent twice.
 */
export class MultipartUpload {
  uploadId: string | undefined;
  private credentials: Credential[] = [];
  /** ETag of each part the bucket has acknowledged, by part number. */
  readonly etags = new Map<number, string>();
  private sentBytes = 0;

  constructor(
    private readonly transport: Transport,
    readonly path: string,
    private readonly source: PartSource,
    private readonly options: MultipartOptions = {},
  ) {}

  get partSize(): number {
    return this.options.partSize ?? DEFAULT_PART_SIZE;
  }

  get partCount(): number {
    return Math.max(1, Math.ceil(this.source.size / this.partSize));
  }

  async send(): Promise<void> {
    if (!this.uploadId) await this.create();
    const pending = this.credentials.filter((credential) => !this.etags.has(Number(credential.part_number)));
    // A part that fails does not stop the others: the more parts land, the less a resume sends.
    const failures: unknown[] = [];
    await inPool(pending, this.options.concurrency ?? 4, async (credential) => {
      await this.sendPart(credential).catch((error: unknown) => failures.push(error));
    });
    if (failures.length > 0) throw failures[0];
    await this.post("complete", {
      path: this.path.split("/").pop(),
      upload_id: this.uploadId,
      parts: [...this.etags].sort(([a], [b]) => a - b).map(([part_number, etag]) => ({ part_number, etag })),
    });
  }

  /** Gives up on the upload: the bucket drops the parts it holds. */
  async abort(): Promise<void> {
    if (!this.uploadId) return;
    await this.post("abort", { path: this.path.split("/").pop(), upload_id: this.uploadId });
  }

  private async create(): Promise<void> {
    const created = (await this.post("create", {
      path: this.path.split("/").pop(),
      num_parts: this.partCount,
    })) as {
      upload_id?: string;
      credentials?: Credential[];
    };
    if (!created.upload_id || !created.credentials || created.credentials.length !== this.partCount) {
      throw new MlflowError(
        "INTERNAL_ERROR",
        `mpu/create for ${this.path} answered without ${this.partCount} part URLs.`,
      );
    }
    this.uploadId = created.upload_id;
    this.credentials = created.credentials;
  }

  private async sendPart(credential: Credential): Promise<void> {
    const number = Number(credential.part_number);
    const start = (number - 1) * this.partSize;
    const end = Math.min(start + this.partSize, this.source.size);
    const bytes = await this.source.read(start, end);
    const url = credential.url ?? "";
    const response = await this.transport.send("PUT", url, {
      headers: credential.headers ?? {},
      body: () => bytes as BodyInit,
    });
    if (!response.ok) throw await errorFrom(response, `PUT part ${number} of ${this.path}`);
    await response.body?.cancel();
    const etag = response.headers.get("ETag");
    if (!etag)
      throw new MlflowError("INTERNAL_ERROR", `The bucket sent no ETag for part ${number} of ${this.path}.`);
    this.etags.set(number, etag);
    this.sentBytes += end - start;
    this.options.onProgress?.(this.sentBytes, this.source.size);
  }

  /** mpu/<action>/<folder>: MLflow names the folder in the URL and the file in the body. */
  private async post(action: string, body: unknown): Promise<unknown> {
    const folder = this.path.split("/").slice(0, -1).join("/");
    const url = `/api/2.0/mlflow-artifacts/mpu/${action}/${encodePath(folder)}`;
    const response = await this.transport.send("POST", url, {
      headers: { "Content-Type": "application/json" },
      body: () => JSON.stringify(body),
    });
    if (!response.ok) throw await errorFrom(response, `POST ${url}`);
    return response.json();
  }
}
