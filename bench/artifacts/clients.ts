/**
 * The two ways the benchmark moves bytes: through Edgeflow's artifact proxy (plain HTTP, as the
 * MLflow client does) and straight to the same S3 server with @aws-sdk/client-s3 (the baseline).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { ArtifactStack } from "./stack";

export interface ArtifactClient {
  name: string;
  put(path: string, body: Uint8Array): Promise<void>;
  /** Downloads and consumes the whole body; returns its byte count. */
  get(path: string): Promise<number>;
}

async function drain(body: ReadableStream<Uint8Array> | null | undefined): Promise<number> {
  if (!body) return 0;
  let bytes = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return bytes;
}

export function proxyClient(stack: ArtifactStack): ArtifactClient {
  const base = `${stack.workerUrl}/api/2.0/mlflow-artifacts/artifacts`;
  return {
    name: "Edgeflow proxy",
    async put(path, body) {
      const response = await fetch(`${base}/${path}`, {
        method: "PUT",
        body,
        headers: { "Content-Type": "application/octet-stream" },
      });
      if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    },
    async get(path) {
      const response = await fetch(`${base}/${path}`);
      if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
      return drain(response.body);
    },
  };
}

export function rawS3Client(stack: ArtifactStack): ArtifactClient {
  const client = new S3Client({
    endpoint: stack.s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: stack.credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const bucket = stack.s3.bucket;
  return {
    name: "raw S3 (aws-sdk)",
    async put(path, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `raw/${path}`, Body: body }));
    },
    async get(path) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `raw/${path}` }));
      return drain(out.Body?.transformToWebStream());
    },
  };
}
