/**
 * `npm run bench:otlp`: Edgeflow's hand-written OTLP trace decoder (packages/core/src/otlp) against
 * @bufbuild/protobuf 2 decoding by reflection over descriptors built at runtime (bench/otlp-schema.ts:
 * no code generation, no protoc, no eval), on the same payloads in one process, one run. The
 * payloads are OpenTelemetry JS SDK spans encoded by @opentelemetry/otlp-transformer's
 * ProtobufTraceSerializer (scripts/otlp-sdk-spans.ts): small, 1 trace of 5 spans; large, 10 traces
 * of 100 spans. Prints throughput, per-decode latency percentiles, retained heap, the ratio
 * Edgeflow ÷ bufbuild, and the minified bundle size of each decoder. Plain Node; no worker.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { decodeExportTraceRequest } from "../packages/core/src/otlp/trace-service";
import { benchSpans } from "../scripts/otlp-sdk-spans";
import { percentile, summarize } from "./lib/stats";
import { decodeRequest, decodeSpansToJson } from "./otlp-schema";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const ROOT = resolve(import.meta.dirname, "..");

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function payload(traces: number, spansPerTrace: number): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(benchSpans(traces, spansPerTrace));
  if (!bytes) throw new Error("the serializer returned nothing");
  return bytes.slice(); // its own buffer, exactly the request's length
}

const PAYLOADS = [
  { name: "small", what: "1 trace", bytes: payload(1, 5), batch: 200 },
  { name: "large", what: "10 traces", bytes: payload(10, 100), batch: 1 },
];

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const DECODERS = [
  { name: "Edgeflow", run: (b: Uint8Array) => decodeExportTraceRequest(b) },
  { name: "bufbuild + toJson", run: (b: Uint8Array) => decodeSpansToJson(b) },
  { name: "bufbuild fromBinary", run: (b: Uint8Array) => decodeRequest(b) },
] as const;

// Both read the same spans, in the same order, before anything is timed.
for (const { name, bytes } of PAYLOADS) {
  const own = decodeExportTraceRequest(bytes).map((span) => span.spanIdHex);
  const theirs = decodeRequest(bytes).resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => hex(span.spanId))),
  );
  if (own.join() !== theirs.join()) throw new Error(`${name}: the decoders disagree on the spans`);
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e3; // µs
}

/** µs per decode: SAMPLES samples of `batch` decodes each, the decoders taking turns per sample. */
function measure(bytes: Uint8Array, batch: number): number[][] {
  const samples: number[][] = DECODERS.map(() => []);
  for (let s = 0; s < SAMPLES + 20; s++) {
    DECODERS.forEach((decoder, d) => {
      const us = time(() => {
        for (let i = 0; i < batch; i++) decoder.run(bytes);
      });
      if (s >= 20) samples[d]?.push(us / batch); // after warm-up
    });
  }
  return samples;
}

/** Heap still held by `count` decoded results, per result, after a full collection (KB). */
function retainedKb(run: (b: Uint8Array) => unknown, bytes: Uint8Array, count: number): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = Array.from({ length: count }, () => run(bytes));
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== count) throw new Error("unreachable");
  return (after - before) / count / 1024;
}

/** Minified (and gzipped) size of a bundle of `source`, as esbuild makes it for a worker. */
function bundleSize(source: string): { min: number; gzip: number } {
  const dir = mkdtempSync(join(tmpdir(), "edgeflow-bench-otlp-"));
  try {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, source);
    const out = execFileSync(
      join(ROOT, "node_modules/.bin/esbuild"),
      [entry, "--bundle", "--minify", "--platform=neutral", "--format=esm", "--log-level=error"],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    return { min: out.length, gzip: gzipSync(out).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

console.log(
  "## OTLP trace decoding: Edgeflow's decoder vs @bufbuild/protobuf 2.17 (reflection, no codegen)\n",
);
for (const { name, what, bytes, batch } of PAYLOADS) {
  const spans = decodeExportTraceRequest(bytes).length;
  const samples = measure(bytes, batch);
  const stats = samples.map((s) => ({
    ...summarize(s),
    p99: percentile(
      [...s].sort((a, b) => a - b),
      99,
    ),
  }));
  const heap = DECODERS.map((d) => retainedKb(d.run, bytes, batch > 1 ? 2000 : 20));
  const [own, json, wire] = stats as [(typeof stats)[0], (typeof stats)[0], (typeof stats)[0]];
  console.log(`### ${name}: ${what}, ${spans} spans, ${(bytes.length / 1024).toFixed(1)} KB protobuf\n`);
  console.log(
    "| figure | Edgeflow | bufbuild fromBinary + toJson | bufbuild fromBinary | Edgeflow ÷ bufbuild+toJson | Edgeflow ÷ bufbuild fromBinary |",
  );
  console.log("|---|---|---|---|---|---|");
  const mbps = (s: { mean: number }) => bytes.length / 1e6 / (s.mean / 1e6);
  const perS = (s: { mean: number }) => 1e6 / s.mean;
  console.log(
    `| throughput, MB/s | ${f(mbps(own))} | ${f(mbps(json))} | ${f(mbps(wire))} | ${ratio(mbps(own), mbps(json))} | ${ratio(mbps(own), mbps(wire))} |`,
  );
  console.log(
    `| decodes/s | ${Math.round(perS(own))} | ${Math.round(perS(json))} | ${Math.round(perS(wire))} | ${ratio(perS(own), perS(json))} | ${ratio(perS(own), perS(wire))} |`,
  );
  for (const key of ["p50", "p95", "p99"] as const) {
    console.log(
      `| latency ${key}, µs/decode | ${f(own[key])} | ${f(json[key])} | ${f(wire[key])} | ${ratio(own[key], json[key])} | ${ratio(own[key], wire[key])} |`,
    );
  }
  const [h0, h1, h2] = heap as [number, number, number];
  console.log(
    `| retained heap per decoded request, KB | ${f(h0)} | ${f(h1)} | ${f(h2)} | ${ratio(h0, h1)} | ${ratio(h0, h2)} |\n`,
  );
}

const edgeflowBundle = bundleSize(
  `export { decodeExportTraceRequest } from ${JSON.stringify(join(ROOT, "packages/core/src/otlp/trace-service.ts"))};\n`,
);
const bufbuildBundle = bundleSize(
  `export { decodeSpansToJson } from ${JSON.stringify(join(ROOT, "bench/otlp-schema.ts"))};\n`,
);
console.log(
  "### bundle: a one-line entry importing each decoder (esbuild --bundle --minify --platform=neutral)\n",
);
console.log("| bundle | minified, bytes | gzipped, bytes |");
console.log("|---|---|---|");
console.log(`| Edgeflow (protobuf.ts + trace-service.ts) | ${edgeflowBundle.min} | ${edgeflowBundle.gzip} |`);
console.log(
  `| @bufbuild/protobuf + runtime descriptors (bench/otlp-schema.ts) | ${bufbuildBundle.min} | ${bufbuildBundle.gzip} |`,
);
console.log(
  `| bufbuild ÷ Edgeflow | ${ratio(bufbuildBundle.min, edgeflowBundle.min)} | ${ratio(bufbuildBundle.gzip, edgeflowBundle.gzip)} |`,
);
console.log(
  `\nEdgeflow = decodeExportTraceRequest: wire decode plus the MLflow span JSON it stores, so "bufbuild fromBinary + toJson" (protobuf JSON of each span) is the like-for-like column and "fromBinary" alone a lower bound. Ratios Edgeflow ÷ bufbuild: above 1 is Edgeflow ahead for throughput, behind for latency and heap. Latency is µs per decode, ${SAMPLES} samples (small: mean of 200 decodes per sample), the three taking turns; heap is what stays reachable after gc, per decoded request. Node ${process.version}.`,
);
