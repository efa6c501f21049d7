import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment } from "../helpers/api";
import { call, clientTrace } from "./helpers";
import { encodeExportRequest, hex } from "./otlp-encoder";

/**
 * /v1/traces bodies as MLflow 3.11's otel_api.py takes them: protobuf only (OTLP's JSON encoding
 * is refused with the same 400 as any other type), gzip or deflate (zlib or raw) compressed,
 * and — Edgeflow's own guard — at most 16 MB both as received and once decompressed.
 */

type Format = "gzip" | "deflate" | "deflate-raw";

async function compress(bytes: Uint8Array, format: Format): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function post(exp: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch("http://127.0.0.1:5000/v1/traces", {
    method: "POST",
    headers: { "Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp, ...headers },
    body,
  });
}

async function detailOf(response: Response): Promise<[number, string]> {
  return [response.status, ((await response.json()) as { detail: string }).detail];
}

async function spanCount(traceId: string): Promise<number> {
  const got = await call<{ trace: { spans: unknown[] } }>("GET", "traces/get", { trace_id: traceId });
  return got.body.trace.spans.length;
}

describe("OTLP body encodings", () => {
  it.each([
    ["gzip", "gzip"],
    ["GZIP", "gzip"],
    ["deflate", "deflate"],
    ["deflate", "deflate-raw"],
  ] as const)("takes Content-Encoding %s (%s stream)", async (header, format) => {
    const exp = await createExperiment();
    const t = clientTrace();
    const body = await compress(encodeExportRequest(t.spans), format);
    const response = await post(exp, body, { "Content-Encoding": header });
    expect(response.status).toBe(200);
    expect(await spanCount(t.mlflowId)).toBe(2);
  });

  it("refuses a corrupt payload and an unknown encoding as MLflow does", async () => {
    const exp = await createExperiment();
    const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await detailOf(await post(exp, garbage, { "Content-Encoding": "gzip" }))).toEqual([
      400,
      "Failed to decompress gzip payload",
    ]);
    expect(await detailOf(await post(exp, garbage, { "Content-Encoding": "deflate" }))).toEqual([
      400,
      "Failed to decompress deflate payload",
    ]);
    expect(await detailOf(await post(exp, garbage, { "Content-Encoding": "br" }))).toEqual([
      400,
      "Unsupported Content-Encoding: br",
    ]);
  });

  it("stops a compression bomb at the size limit with a 413", async () => {
    const exp = await createExperiment();
    // 17 MB of zeros compress to about 17 KB.
    const bomb = await compress(new Uint8Array(17 * 1024 * 1024), "gzip");
    expect(bomb.byteLength).toBeLessThan(100_000);
    const [status, detail] = await detailOf(await post(exp, bomb, { "Content-Encoding": "gzip" }));
    expect(status).toBe(413);
    expect(detail).toMatch(/^Decompressed request body must be at most 16777216 bytes/);
    const raw = await compress(new Uint8Array(17 * 1024 * 1024), "deflate-raw");
    expect((await post(exp, raw, { "Content-Encoding": "deflate" })).status).toBe(413);
  });

  it("refuses an uncompressed body over the limit with a 413", async () => {
    const exp = await createExperiment();
    const [status, detail] = await detailOf(await post(exp, new Uint8Array(16 * 1024 * 1024 + 1)));
    expect(status).toBe(413);
    expect(detail).toMatch(/^Request body must be at most 16777216 bytes/);
  });

  it("refuses OTLP's JSON encoding, which MLflow 3.11 does not take", async () => {
    const exp = await createExperiment();
    const t = clientTrace();
    const json = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: t.spans.map((span) => ({
                traceId: hex(span.traceId),
                spanId: hex(span.spanId),
                name: span.name,
                startTimeUnixNano: String(span.start),
                endTimeUnixNano: String(span.end),
              })),
            },
          ],
        },
      ],
    };
    const response = await post(exp, new TextEncoder().encode(JSON.stringify(json)), {
      "Content-Type": "application/json",
    });
    expect(await detailOf(response)).toEqual([
      400,
      "Invalid Content-Type: application/json. Expected: application/x-protobuf",
    ]);
  });
});
