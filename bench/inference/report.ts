/**
 * The inference benchmark's markdown report: one table (Edgeflow, native, ratio) per measured
 * figure and model, then per model the output agreement, the cold start's parts and the raw cold
 * starts, then what each figure is.
 */
import type { MachineFacts } from "../lib/machine";
import type { Phase } from "./cold-start";
import type { BundleSize, StartupBaselines } from "./edgeflow";
import type { IsolateMemory } from "./isolate";
import { type BenchModel, EARLY_REQUESTS, type Settings, type SideResult } from "./workload";

export interface Measured {
  model: BenchModel;
  edge: SideResult;
  /** Native, called in-process (no HTTP). */
  native: SideResult;
  /** Native behind a node:http scoring server, called over loopback like Edgeflow. */
  nativeServed: SideResult;
  edgeColdMs: number[];
  nativeColdMs: number[];
  /** The first request of one more cold instance under the CPU profiler, by phase. */
  firstRequestPhases: Phase[];
}

/** A Worker isolate's memory limit (128 MB, which Cloudflare counts in MiB). */
const ISOLATE_LIMIT_MIB = 128;

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : "n/a");

export const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

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

/** Rows of figures the sides have: [metric, Edgeflow, native in-process, native over HTTP, digits]. */
function comparedRows(m: Measured, s: Settings): [string, number, number, number, number][] {
  const { edge, native, nativeServed: served } = m;
  const cpuMsPerRequest = (r: SideResult) => (1000 * r.throughputCores) / r.throughputRps;
  return [
    ["warm p50 (ms)", edge.warm.p50, native.warm.p50, served.warm.p50, 2],
    ["warm p95 (ms)", edge.warm.p95, native.warm.p95, served.warm.p95, 2],
    [
      `early p50: the ${EARLY_REQUESTS} requests after the cold one (ms)`,
      edge.earlyWarm.p50,
      native.earlyWarm.p50,
      served.earlyWarm.p50,
      2,
    ],
    [
      "loopback HTTP floor: GET /ping p50, same connection (ms; inside warm p50)",
      edge.pingP50Ms ?? Number.NaN,
      Number.NaN,
      served.pingP50Ms ?? Number.NaN,
      2,
    ],
    [
      `throughput, ${s.concurrency} clients (req/s)`,
      edge.throughputRps,
      native.throughputRps,
      served.throughputRps,
      1,
    ],
    [
      "CPU cores busy during throughput",
      edge.throughputCores,
      native.throughputCores,
      served.throughputCores,
      2,
    ],
    [
      "CPU time per request during throughput (ms)",
      cpuMsPerRequest(edge),
      cpuMsPerRequest(native),
      cpuMsPerRequest(served),
      2,
    ],
    [
      `cold start to first prediction, median of ${s.coldRuns} (ms; served: 1)`,
      median(m.edgeColdMs),
      median(m.nativeColdMs),
      served.coldMs,
      0,
    ],
    [
      "RSS before the model is loaded, whole process (MiB)",
      edge.idleRssMiB,
      native.idleRssMiB,
      served.idleRssMiB,
      1,
    ],
    ["peak RSS (VmHWM), whole process (MiB)", edge.peakRssMiB, native.peakRssMiB, served.peakRssMiB, 1],
  ];
}

/**
 * The cold start's parts, from ready times measured in the same run: workerd's process start
 * (an empty worker), + the script (the bundle with an empty .wasm), + onnxruntime's .wasm (the
 * bundle as deployed), then the first request.
 */
function coldStartRows(m: Measured, baselines: StartupBaselines): [string, number, number, string][] {
  const boot = median(baselines.emptyWorker);
  const script = median(baselines.withoutWasm);
  const ready = m.edge.coldParts.workerdReady ?? Number.NaN;
  const cold = median(m.edgeColdMs);
  const share = (ms: number) => `${fmt((100 * ms) / cold, 0)}% of the cold start`;
  return [
    [
      "cold start without workerd's process start: what a Worker pays (ms)",
      cold - boot,
      0,
      m.model.task === "text-generation" ? "goal < 2000" : "goal < 1000",
    ],
    ["cold start part: workerd process start, an empty worker (ms)", boot, 0, share(boot)],
    [
      "cold start part: script parse and start, bundle with an empty .wasm (ms)",
      script - boot,
      0,
      share(script - boot),
    ],
    ["cold start part: onnxruntime .wasm module compile (ms)", ready - script, 0, share(ready - script)],
    [
      "cold start part: first request, registry to prediction (ms)",
      m.edge.coldParts.firstPrediction ?? Number.NaN,
      0,
      share(m.edge.coldParts.firstPrediction ?? Number.NaN),
    ],
  ];
}

/** Rows only Edgeflow has: the cold start's parts and the isolate's own memory; the last column is a note. */
function edgeOnlyRows(
  m: Measured,
  baselines: StartupBaselines | undefined,
): [string, number, number, string][] {
  const rows: [string, number, number, string][] = baselines ? coldStartRows(m, baselines) : [];
  const isolate = m.edge.isolate;
  if (!isolate) return rows;
  const memory = (when: string, x: IsolateMemory): [string, number, number, string][] => [
    [`isolate ${when}: JS heap used (MiB)`, x.heapUsedMiB, 1, `heap total ${fmt(x.heapTotalMiB)}`],
    [`isolate ${when}: WASM memory (MiB)`, x.wasmMiB, 1, `+ ArrayBuffers ${fmt(x.arrayBuffersMiB)}`],
    [
      `isolate ${when}: heap total + ArrayBuffers + WASM (MiB)`,
      x.totalMiB,
      1,
      `${fmt((100 * x.totalMiB) / ISOLATE_LIMIT_MIB, 0)}% of ${ISOLATE_LIMIT_MIB} MB`,
    ],
  ];
  return [
    ...rows,
    ...memory("before any request", isolate.idle),
    ...memory("after the model is loaded", isolate.loaded),
    ...memory("peak during the run", isolate.peak),
  ];
}

export function renderReport(input: {
  settings: Settings;
  results: Measured[];
  bundle?: BundleSize;
  baselines?: StartupBaselines;
  totalSeconds: number;
  facts: MachineFacts;
}): string {
  const { settings: s, results, bundle, baselines, totalSeconds, facts } = input;
  const lines: string[] = [];
  lines.push(`## Inference: Edgeflow vs onnxruntime-node${s.quick ? " (BENCH_QUICK=1 smoke run)" : ""}`);
  lines.push("");
  lines.push(
    `Machine: ${facts.cores} cores (${facts.cpuModel}), ${fmt(facts.memoryGiB)} GiB, ${facts.os}; node ${facts.node}; ` +
      `miniflare ${facts.versions.miniflare}, workerd ${facts.versions.workerd}.`,
  );
  if (bundle) {
    lines.push(
      `Inference worker bundle (wrangler deploy --dry-run): ${bundle.files} files, ${fmt(bundle.bytes / 2 ** 20, 2)} MiB, ` +
        `${fmt(bundle.gzipBytes / 2 ** 20, 2)} MiB gzipped.`,
    );
  }
  lines.push(
    `Warm: ${s.warmup} warmup + ${s.measured} measured sequential single-input requests; throughput: ` +
      `${s.concurrency} concurrent clients for ${s.throughputSeconds} s. Run took ${fmt(totalSeconds, 0)} s.`,
  );
  lines.push("");
  lines.push(
    "| model | metric | Edgeflow | native in-process | native over HTTP | Edgeflow / in-process | Edgeflow / over HTTP |",
  );
  lines.push("|---|---|---:|---:|---:|---:|---:|");
  for (const m of results) {
    for (const [metric, a, b, c, digits] of comparedRows(m, s)) {
      lines.push(
        `| ${m.model.label} | ${metric} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${fmt(c, digits)} | ${ratio(a, b)} | ${ratio(a, c)} |`,
      );
    }
    for (const [metric, a, digits, note] of edgeOnlyRows(m, baselines)) {
      lines.push(`| ${m.model.label} | ${metric} | ${fmt(a, digits)} | — | — | ${note} | |`);
    }
  }
  lines.push("");
  for (const { model, edge, native, nativeServed, edgeColdMs, nativeColdMs } of results) {
    const parts = (r: SideResult) =>
      Object.entries(r.coldParts)
        .map(([k, v]) => `${k} ${fmt(v, 0)} ms`)
        .join(", ");
    lines.push(
      `- ${model.fixture}: Edgeflow vs native: ${agreement(model, edge, native)}, native over HTTP vs in-process: ` +
        `${agreement(model, nativeServed, native)}; cold start parts: Edgeflow ${parts(edge)}; ` +
        `native ${parts(native)}; native over HTTP ${parts(nativeServed)}; all cold starts (ms): Edgeflow ${edgeColdMs.map((x) => fmt(x, 0)).join(", ")}, ` +
        `native ${nativeColdMs.map((x) => fmt(x, 0)).join(", ")}.`,
    );
  }
  for (const { model, firstRequestPhases } of results) {
    const total = firstRequestPhases.reduce((sum, p) => sum + p.ms, 0);
    lines.push(
      `- ${model.fixture}: the first request under the CPU profiler, ${fmt(total, 0)} ms sampled: ` +
        firstRequestPhases
          .filter((p) => p.ms >= 0.5)
          .map((p) => `${p.phase} ${fmt(p.ms, 0)} ms (${fmt((100 * p.ms) / total, 0)}%)`)
          .join(", ") +
        ".",
    );
  }
  if (baselines) {
    const list = (xs: number[]) => xs.map((x) => fmt(x, 0)).join(", ");
    lines.push(
      `- startup baselines (ms, each a fresh instance): empty worker ${list(baselines.emptyWorker)}; ` +
        `bundle with an empty .wasm ${list(baselines.withoutWasm)}.`,
    );
  }
  lines.push("");
  lines.push(
    `Warm = after ${s.warmup} warm-up requests on both sides: V8 tiers the WASM and JS up over the first ` +
      "hundred or so requests after a load; the early row shows the requests right after the cold one. " +
      "Edgeflow = the inference worker's bundle in a fresh Miniflare/workerd per model, called over loopback HTTP " +
      "on one keep-alive connection per client (`/models/<name>@bench/invocations`, files read from the local S3 " +
      "server, registry from local D1). Its warm latency includes the loopback HTTP floor (GET /ping, " +
      "through Miniflare's entry worker into the worker and back), shown beside it. " +
      "Native = onnxruntime-node (CPU EP, intra/inter-op threads 1, UV_THREADPOOL_SIZE=1) through " +
      "transformers.js' Node pipeline, called in-process (no HTTP) in a child node process of its own. " +
      "Native over HTTP = the same pipeline in a one-thread child behind a minimal node:http scoring server " +
      "(POST /invocations, same JSON, keep-alive), called by the same client as Edgeflow: what serving over HTTP " +
      "costs at all; its cold start is import + load + listen plus the first request (node/tsx start excluded), " +
      "its CPU figures are the server process alone. " +
      "Cold start: Edgeflow from `new Miniflare()` (bundle prebuilt) to the first successful response, in fresh " +
      "instances with no inspector attached (a debugger makes V8 run WebAssembly as debuggable code: it doubled the " +
      "first request); its parts subtract the ready times of an empty worker (workerd's process start, which a " +
      "Worker on Cloudflare never pays) and of the bundle with its .wasm swapped for an empty module (the script's " +
      "parse and top-level evaluation), measured in the same run; the first request's phases come from one more " +
      "cold instance under the CPU profiler (100 µs sampling; it slows the request, so read the shares), frames " +
      "mapped through the bundle's source map, each sample given to the innermost phase that claims a frame of its " +
      "stack (bench/inference/cold-start.ts); 'waiting on I/O' is the isolate idle while D1 and the bucket answer. " +
      "Native from " +
      "`import('@huggingface/transformers')` to the first prediction (node/tsx start excluded). " +
      "CPU cores busy = the serving process's CPU time ÷ wall time during the throughput phase; CPU time per " +
      "request = that CPU time ÷ requests served (Edgeflow: all of workerd, i.e. HTTP, Miniflare's entry worker " +
      "and the worker; native: this includes the in-process load generator). " +
      "Peak RSS is VmHWM of the whole process (workerd: runtime + isolates + model; native: node + tsx + " +
      "transformers.js + onnxruntime-node + model); 'before the model is loaded' is VmRSS of workerd right after " +
      "Miniflare is ready (bundle loaded, no request yet) and of the native child right after importing transformers.js. " +
      "Isolate rows are the worker's own V8 isolate, read through workerd's inspector (Runtime.getHeapUsage): " +
      "JS heap used and total (reserved), ArrayBuffer backing stores outside the heap (backingStorageSize: model " +
      "bytes in flight, tensors), and WebAssembly.Memory (onnxruntime's linear memory, which grows and never " +
      "shrinks; found with Runtime.queryObjects, since getHeapUsage does not count it). Heap total + ArrayBuffers + " +
      `WASM is what counts against a Worker's ${ISOLATE_LIMIT_MIB} MB. Peak = the largest heap figures read ` +
      "after loading and between the measured phases, and polled every 200 ms during throughput (never during a " +
      "latency phase: each reading runs on the isolate's thread), plus the WASM memory at the end (its peak); a " +
      "spike inside one synchronous call (e.g. while the session is built) is only seen as what remains held after it.",
  );
  return lines.join("\n");
}
