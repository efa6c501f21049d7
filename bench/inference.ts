/**
 * `npm run bench:inference` (issue 5): the inference worker (transformers.js on onnxruntime-web's
 * WASM backend, one thread, in workerd via Miniflare) beside onnxruntime-node (native CPU, one
 * thread, via transformers.js' Node pipeline) on the same q8 ONNX files and the same inputs, in the
 * same run. Prints a markdown table: warm p50/p95, throughput with concurrent clients, cold start,
 * process RSS and the worker isolate's own memory (through workerd's inspector), with the ratio
 * Edgeflow/native. BENCH_QUICK=1 for a smoke run, BENCH_PROFILE=1 for CPU profiles (bench/README.md).
 *
 * `tsx bench/inference.ts --native <fixture>` is the native child (see bench/inference/native.ts),
 * `--native-serve <fixture>` the served one (bench/inference/native-served.ts).
 */

import { type EdgeflowStack, startEdgeflow } from "./inference/edgeflow";
import { repoRoot } from "./inference/fixtures";
import { runNative, runNativeChild } from "./inference/native";
import { runNativeServed, serveNativeChild } from "./inference/native-served";
import { type Measured, renderReport } from "./inference/report";
import { benchModels, settings } from "./inference/workload";
import { machineFacts } from "./lib/machine";

const childMode = ["--native", "--native-serve"].find((mode) => process.argv.includes(mode));
if (childMode) {
  const fixture = process.argv[process.argv.indexOf(childMode) + 1];
  const model = benchModels().find((m) => m.fixture === fixture);
  if (!model) throw new Error(`unknown model ${fixture}`);
  if (childMode === "--native-serve") {
    await serveNativeChild(model);
  } else {
    const result = await runNativeChild(model, settings(), process.argv.includes("--cold-only"));
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
    process.exit(0);
  }
}

const s = settings();
// BENCH_MODELS=sst2,stories picks models by fixture name (all by default).
const only = process.env.BENCH_MODELS?.split(",").filter(Boolean);
const models = benchModels().filter((m) => !only?.length || only.includes(m.fixture));
const log = (message: string) => process.stderr.write(`[bench:inference] ${message}\n`);

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
    log(`${model.fixture}: native baseline served over HTTP (child process)…`);
    const nativeServed = await runNativeServed(model, s);
    log(`${model.fixture}: Edgeflow (fresh Miniflare instance)…`);
    const edge = await stack.run(model, s, false);
    edgeColdMs.push(edge.coldMs);
    results.push({ model, edge, native, nativeServed, edgeColdMs, nativeColdMs });
  }
} finally {
  await stack?.stop();
}
const totalSeconds = (performance.now() - started) / 1000;

console.log(
  renderReport({ settings: s, results, bundle: stack?.bundle, totalSeconds, facts: machineFacts(repoRoot) }),
);
