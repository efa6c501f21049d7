import { artifactPath, downloadArtifact, MultipartUpload, partSource, startRun } from "@edgeflow/sdk";
import { describe, expect, it } from "vitest";
import { BASE, sdkClient } from "./helpers";

const MiB = 1024 * 1024;

/** 11 MiB of a repeating, position-dependent pattern: a misplaced part shows in the bytes. */
function patterned(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 20)) & 0xff;
  return bytes;
}

const isPartPut = (request: Request) => request.method === "PUT" && new URL(request.url).origin !== BASE;
const partNumber = (request: Request) => Number(new URL(request.url).searchParams.get("partNumber"));

/** SHA-256 in hex: comparing digests keeps a failure's diff readable (not 11 million numbers). */
async function digest(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function downloaded(client: ReturnType<typeof sdkClient>["client"], path: string): Promise<string> {
  const body = await new Response(await downloadArtifact(client.transport, path)).arrayBuffer();
  return `${body.byteLength} ${await digest(body)}`;
}

const described = async (bytes: Uint8Array) => `${bytes.length} ${await digest(bytes)}`;

describe("multipart artifact uploads", () => {
  it("send a large file in parallel parts straight to the bucket, with progress, byte-identical", async () => {
    const { client, wire } = sdkClient();
    const run = await startRun(client, { experimentName: `mpu-${crypto.randomUUID()}`, flushIntervalMs: 0 });
    const bytes = patterned(11 * MiB);
    const progress: number[] = [];
    await run.logArtifactFile("weights/model.bin", partSource(bytes), {
      multipartThreshold: 0,
      partSize: 5 * MiB,
      onProgress: (sent) => progress.push(sent),
    });
    const parts = wire.requests.filter(isPartPut);
    expect(parts.map(partNumber).sort()).toEqual([1, 2, 3]);
    expect(parts.every((request) => !request.headers.has("Authorization"))).toBe(true);
    expect(Math.max(...progress)).toBe(bytes.length);
    const path = artifactPath(run.info.artifact_uri, "weights/model.bin");
    expect(await downloaded(client, path)).toBe(await described(bytes));
  });

  it("resumes after a failed part without sending the parts that made it", async () => {
    const { client, wire } = sdkClient({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const run = await startRun(client, { experimentName: `mpu-${crypto.randomUUID()}`, flushIntervalMs: 0 });
    const bytes = patterned(11 * MiB);
    const path = artifactPath(run.info.artifact_uri, "resumed.bin");
    const upload = new MultipartUpload(client.transport, path, partSource(bytes), {
      partSize: 5 * MiB,
      concurrency: 1,
    });
    // Part 2 cannot get through: every try is a dropped connection, so send() gives up.
    wire.before = (request) => {
      if (isPartPut(request) && partNumber(request) === 2) throw new TypeError("connection reset");
      return undefined;
    };
    await expect(upload.send()).rejects.toMatchObject({ errorCode: "TEMPORARILY_UNAVAILABLE" });
    expect([...upload.etags.keys()].sort()).toEqual([1, 3]);
    const sentBefore = wire.requests.length;
    wire.before = undefined;
    await upload.send();
    const resent = wire.requests.slice(sentBefore).filter(isPartPut).map(partNumber);
    expect(resent).toEqual([2]);
    expect(await downloaded(client, path)).toBe(await described(bytes));
  });
});
