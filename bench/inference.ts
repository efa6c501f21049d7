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

import { type ColdRun, type EdgeflowStack, type StartupBaselines, startEdgeflow } from "./inference/edgeflow";
import { repoRoot } from "./inference/fixtures";
import { runNative, runNativeChild } from "./inference/native";
import { runNativeServed, serveNativeChild } from "./inference/native-served";
import { type Measured, median, renderReport } from "./inference/report";
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
let baselines: StartupBaselines | undefined;
const started = performance.now();
try {
  log("starting S3, D1, the tracking worker and bundling the inference worker…");
  stack = await startEdgeflow(models);
  const coldRuns = Math.max(s.coldRuns, 3);
  log(
    `startup baselines: an empty worker and the bundle without its .wasm, ${coldRuns} fresh instances each…`,
  );
  baselines = await stack.startupBaselines(coldRuns);
  for (const model of models) {
    const nativeColdMs: number[] = [];
    const edgeCold: ColdRun[] = [];
    for (let i = 1; i < s.coldRuns; i++) {
      log(`${model.fixture}: cold start ${i}/${s.coldRuns - 1} extra (native child, fresh Miniflare)…`);
      nativeColdMs.push((await runNative(model, true)).coldMs);
      edgeCold.push(await stack.coldStart(model));
    }
    log(`${model.fixture}: native baseline (child process)…`);
    const native = await runNative(model, false);
    nativeColdMs.push(native.coldMs);
    log(`${model.fixture}: native baseline served over HTTP (child process)…`);
    const nativeServed = await runNativeServed(model, s);
    log(`${model.fixture}: Edgeflow cold start (fresh Miniflare, no inspector)…`);
    edgeCold.push(await stack.coldStart(model));
    log(`${model.fixture}: Edgeflow cold start under the CPU profiler…`);
    const firstRequestPhases = await stack.profiledColdStart(model);
    log(`${model.fixture}: Edgeflow warm, throughput and memory (fresh Miniflare)…`);
    const warm = await stack.run(model, s);
    const readyMs = median(edgeCold.map((r) => r.readyMs));
    const firstPrediction = median(edgeCold.map((r) => r.firstMs));
    const edge = {
      ...warm,
      coldMs: median(edgeCold.map((r) => r.readyMs + r.firstMs)),
      coldParts: { workerdReady: readyMs, firstPrediction },
    };
    results.push({
      model,
      edge,
      native,
      nativeServed,
      edgeColdMs: edgeCold.map((r) => r.readyMs + r.firstMs),
      nativeColdMs,
      firstRequestPhases,
    });
  }
} finally {
  await stack?.stop();
}
const totalSeconds = (performance.now() - started) / 1000;

console.log(
  renderReport({
    settings: s,
    results,
    bundle: stack?.bundle,
    baselines,
    totalSeconds,
    facts: machineFacts(repoRoot),
  }),
);
