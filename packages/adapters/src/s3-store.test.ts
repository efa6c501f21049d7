import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { S3ArtifactStore } from "./s3-store";

// Against the real S3-compatible server the test run starts (test/setup/s3-server.ts), with tiny
// listing pages so paging and directory skipping are exercised with a handful of objects.
const store = new S3ArtifactStore({
  endpoint: env.S3_ENDPOINT ?? "",
  region: env.S3_REGION ?? "us-east-1",
  bucket: env.S3_BUCKET ?? "",
  accessKeyId: env.S3_ACCESS_KEY_ID ?? "",
  secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? "",
  forcePathStyle: true,
  prefix: `store-test-${Date.now()}`,
  listPageSize: 3,
});

const bytes = (text: string) => new TextEncoder().encode(text);

describe("S3ArtifactStore", () => {
  beforeAll(async () => {
    const files = [
      "a.txt",
      "b.txt",
      "c.txt",
      "d/1.txt",
      "d/2.txt",
      "d/3.txt",
      "d/4.txt",
      "e.txt",
      "f/g/h.txt",
      "z.txt",
    ];
    for (const file of files) await store.put(`root/${file}`, bytes(file), { contentLength: file.length });
  });

  it("lists immediate children across pages, skipping into and past subdirectories", async () => {
    expect(await store.list("root")).toEqual([
      { path: "a.txt", isDir: false, size: 5 },
      { path: "b.txt", isDir: false, size: 5 },
      { path: "c.txt", isDir: false, size: 5 },
      { path: "d", isDir: true },
      { path: "e.txt", isDir: false, size: 5 },
      { path: "f", isDir: true },
      { path: "z.txt", isDir: false, size: 5 },
    ]);
    expect(await store.list("root/f")).toEqual([{ path: "g", isDir: true }]);
    expect(await store.list("missing")).toEqual([]);
  });

  it("streams bodies of unknown length through multipart upload", async () => {
    const size = 9 * 1024 * 1024;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent < size; sent += 1024 * 1024)
          controller.enqueue(new Uint8Array(1024 * 1024).fill(7));
        controller.close();
      },
    });
    await store.put("big/blob.bin", stream, {});
    const object = await store.get("big/blob.bin", { start: size - 4 });
    expect(object?.totalSize).toBe(size);
    expect(new Uint8Array(await new Response(object?.body).arrayBuffer())).toEqual(
      new Uint8Array([7, 7, 7, 7]),
    );
  });

  it("deletes a directory recursively, and answers undefined for missing objects", async () => {
    await store.delete("root/d");
    expect((await store.list("root")).map((entry) => entry.path)).not.toContain("d");
    expect(await store.get("root/d/1.txt")).toBeUndefined();
  });
});
