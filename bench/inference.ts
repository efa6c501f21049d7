/**
 * `npm run bench:inference` (issue 5): the inference worker (transformers.js on onnxruntime-web's
 * WASM backend, one thread, in workerd via Miniflare) beside onnxruntime-node (native CPU, one
 * thread, via transformers.js' Node pipeline) on the same q8 ONNX files and the same inputs, in the
 * same run. Prints a markdown table: warm p50/p95, throughput with concurrent clients, cold start and
 * peak memory, with the ratio Edgeflow/native. BENCH_QUICK=1 for a smoke run.
 *
 * `tsx bench/inference.ts --native <fixture>` is the native child (see bench/inference/native.ts).
 */

import { type EdgeflowStack, startEdgeflow } from "./inference/edgeflow";
import { repoRoot } from "./inference/fixtures";
import { runNative, runNativeChild } from "./inference/native";
import { type BenchModel, benchModels, type SideResult, settings } from "./inference/workload";
import { machineFacts } from "./lib/machine";

const nativeIndex = process.argv.indexOf("--native");
if (nativeIndex >= 0) {
  const fixture = process.argv[nativeIndex + 1];
  const model = benchModels().find((m) => m.fixture === fixture);
  if (!model) throw new Error(`unknown model ${fixture}`);
  const result = await runNativeChild(model, settings(), process.argv.includes("--cold-only"));
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  process.exit(0);
}

const s = settings();
const models = benchModels();
const log = (message: string) => process.stderr.write(`[bench:inference] ${message}\n`);

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : "n/a");

function agreement(model: BenchModel, edge: SideResult, native: SideResult): string {
  const verdicts = model.inputs.map((_, i) => {
    const a = edge.outputs[i];
    const b = native.outputs[i];
    if (model.task === "text-generation") return a === b;
    const x = a as { label?: string; score?: number } | undefined;
    const y = b as { label?: string; score?: number } | undefined;
    return x?.label === y?.label && Math.abs((x?.score ?? 0) - (y?.score ?? 0)) < 1e-3;
  });
  return `${verdicts.filter(Boolean).length}/${verdicts.length} inputs give the same output`;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

interface Measured {
  model: BenchModel;
  edge: SideResult;
  native: SideResult;
  edgeColdMs: number[];
  nativeColdMs: number[];
}
const results: Measured[] = [];
let stack: EdgeflowStack | undefined;
const started = performance.now();
try {
  log("starting S3, D1, the tracking worker and bundling the inference worker…");
  stack = await startEdgeflow(models);
  for (const model of models) {
    const nativeColdMs: number[] = [];
    const edgeColdMs: number[] = [];
    for (let i = 1; i < s.coldRuns; i++) {
      log(`${model.fixture}: cold start ${i}/${s.coldRuns - 1} extra (native child, fresh Miniflare)…`);
      nativeColdMs.push((await runNative(model, true)).coldMs);
      edgeColdMs.push((await stack.run(model, s, true)).coldMs);
    }
    log(`${model.fixture}: native baseline (child process)…`);
    const native = await runNative(model, false);
    nativeColdMs.push(native.coldMs);
    log(`${model.fixture}: Edgeflow (fresh Miniflare instance)…`);
    const edge = await stack.run(model, s, false);
    edgeColdMs.push(edge.coldMs);
    results.push({ model, edge, native, edgeColdMs, nativeColdMs });
  }
} finally {
  await stack?.stop();
}
const totalSeconds = (performance.now() - started) / 1000;

const facts = machineFacts(repoRoot);
const lines: string[] = [];
lines.push(`## Inference: Edgeflow vs onnxruntime-node${s.quick ? " (BENCH_QUICK=1 smoke run)" : ""}`);
lines.push("");
lines.push(
  `Machine: ${facts.cores} cores (${facts.cpuModel}), ${fmt(facts.memoryGiB)} GiB, ${facts.os}; node ${facts.node}; ` +
    `miniflare ${facts.versions.miniflare}, workerd ${facts.versions.workerd}.`,
);
if (stack) {
  const b = stack.bundle;
  lines.push(
    `Inference worker bundle (wrangler deploy --dry-run): ${b.files} files, ${fmt(b.bytes / 2 ** 20, 2)} MiB, ` +
      `${fmt(b.gzipBytes / 2 ** 20, 2)} MiB gzipped.`,
  );
}
lines.push(
  `Warm: ${s.warmup} warmup + ${s.measured} measured sequential single-input requests; throughput: ` +
    `${s.concurrency} concurrent clients for ${s.throughputSeconds} s. Run took ${fmt(totalSeconds, 0)} s.`,
);
lines.push("");
lines.push("| model | metric | Edgeflow | native | Edgeflow/native |");
lines.push("|---|---|---:|---:|---:|");
for (const { model, edge, native, edgeColdMs, nativeColdMs } of results) {
  const rows: [string, number, number, number][] = [
    ["warm p50 (ms)", edge.warm.p50, native.warm.p50, 2],
    ["warm p95 (ms)", edge.warm.p95, native.warm.p95, 2],
    [`throughput, ${s.concurrency} clients (req/s)`, edge.throughputRps, native.throughputRps, 1],
    [`CPU cores busy during throughput`, edge.throughputCores, native.throughputCores, 2],
    [
      `cold start to first prediction, median of ${s.coldRuns} (ms)`,
      median(edgeColdMs),
      median(nativeColdMs),
      0,
    ],
    ["RSS before the model is loaded, whole process (MiB)", edge.idleRssMiB, native.idleRssMiB, 1],
    ["peak RSS (VmHWM), whole process (MiB)", edge.peakRssMiB, native.peakRssMiB, 1],
  ];
  for (const [metric, a, b, digits] of rows) {
    lines.push(`| ${model.label} | ${metric} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${ratio(a, b)} |`);
  }
}
lines.push("");
for (const { model, edge, native, edgeColdMs, nativeColdMs } of results) {
  const parts = (r: SideResult) =>
    Object.entries(r.coldParts)
      .map(([k, v]) => `${k} ${fmt(v, 0)} ms`)
      .join(", ");
  lines.push(
    `- ${model.fixture}: ${agreement(model, edge, native)}; cold start parts: Edgeflow ${parts(edge)}; ` +
      `native ${parts(native)}; Edgeflow's loopback HTTP floor (GET /ping p50) ${fmt(edge.pingP50Ms ?? Number.NaN, 2)} ms; all cold starts (ms): Edgeflow ${edgeColdMs.map((x) => fmt(x, 0)).join(", ")}, ` +
      `native ${nativeColdMs.map((x) => fmt(x, 0)).join(", ")}.`,
  );
}
lines.push("");
lines.push(
  "Edgeflow = the inference worker's bundle in a fresh Miniflare/workerd per model, called over loopback HTTP " +
    "(`/models/<name>@bench/invocations`, files read from the local S3 server, registry from local D1). " +
    "Native = onnxruntime-node (CPU EP, intra/inter-op threads 1, UV_THREADPOOL_SIZE=1) through " +
    "transformers.js' Node pipeline, called in-process (no HTTP) in a child node process of its own. " +
    "Cold start: Edgeflow from `new Miniflare()` (bundle prebuilt) to the first successful response; native from " +
    "`import('@huggingface/transformers')` to the first prediction (node/tsx start excluded). " +
    "Peak RSS is VmHWM of the whole process (workerd: runtime + isolate + model; native: node + tsx + " +
    "transformers.js + onnxruntime-node + model); 'before the model is loaded' is VmRSS of workerd right after " +
    "Miniflare is ready (bundle loaded, no request yet) and of the native child right after importing transformers.js. " +
    "The isolate's own JS heap / WASM memory is not measured separately. CPU cores busy = the serving process's " +
    "CPU time ÷ wall time during the throughput phase (native: this includes the in-process load generator).",
);
console.log(lines.join("\n"));
