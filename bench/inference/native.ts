/**
 * The native baseline: the same ONNX file (q8) run by onnxruntime-node (CPU, intra/inter-op 1
 * thread) through transformers.js' Node pipeline, in a child process of its own so that its cold
 * start starts from nothing and its peak RSS is its own. The child runs with UV_THREADPOOL_SIZE=1,
 * so concurrent requests cannot run on several cores either: one thread, like one isolate.
 * This file is the in-process side (called directly, no HTTP); ./native-served.ts puts the same
 * pipeline behind a scoring server.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURES, sharedRoot } from "./fixtures";
import { type BenchModel, measureWarm, NO_WARM, type Settings, type SideResult } from "./workload";

export function statusMiB(field: "VmHWM" | "VmRSS"): number {
  const match = readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

export interface NativePipeline {
  /** One input's prediction, shaped as Edgeflow answers it (label/score record, trimmed text). */
  predict(text: string): Promise<unknown>;
  /** performance.now() before importing transformers.js, after it, and after the pipeline loaded. */
  t0: number;
  tImport: number;
  tLoad: number;
  /** VmRSS right after importing transformers.js, before the model (MiB). */
  idleRssMiB: number;
}

/** In a child: imports transformers.js and builds the model's pipeline on onnxruntime-node. */
export async function loadNativePipeline(model: BenchModel): Promise<NativePipeline> {
  const t0 = performance.now();
  const transformers = await import("@huggingface/transformers");
  const tImport = performance.now();
  const idleRssMiB = statusMiB("VmRSS");
  const folder = FIXTURES[model.fixture]?.folder;
  if (!folder) throw new Error(`unknown fixture ${model.fixture}`);
  const modelDir = resolve(sharedRoot, folder);
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = resolve(modelDir, "..");
  const modelId = folder.split("/").pop() as string;
  const pipe = (await transformers.pipeline(model.task, modelId, {
    dtype: "q8",
    device: "cpu",
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  })) as unknown as (text: string, options?: Record<string, unknown>) => Promise<unknown>;
  const tLoad = performance.now();
  const predict = async (text: string): Promise<unknown> => {
    if (model.task === "text-generation") {
      const out = (await pipe(text, { ...model.params })) as { generated_text: string }[];
      return (out[0]?.generated_text ?? "").trim();
    }
    const out = (await pipe(text)) as unknown[];
    return out[0];
  };
  return { predict, t0, tImport, tLoad, idleRssMiB };
}

/** In the child: load, predict once (cold), measure warm, print one JSON line. */
export async function runNativeChild(model: BenchModel, s: Settings, coldOnly: boolean): Promise<SideResult> {
  const native = await loadNativePipeline(model);
  const predict = (index: number) => native.predict(model.inputs[index % model.inputs.length] as string);
  const outputs: unknown[] = [await predict(0)];
  const tFirst = performance.now();
  for (let i = 1; i < model.inputs.length; i++) outputs.push(await predict(i));
  const warm = coldOnly ? NO_WARM : await measureWarm(s, predict, cpuSeconds);
  return {
    coldMs: tFirst - native.t0,
    coldParts: {
      import: native.tImport - native.t0,
      load: native.tLoad - native.tImport,
      firstPrediction: tFirst - native.tLoad,
    },
    ...warm,
    idleRssMiB: native.idleRssMiB,
    peakRssMiB: statusMiB("VmHWM"),
    outputs,
  };
}

/** Starts `tsx bench/inference.ts <mode> <fixture>` as a one-thread child; stdout is piped. */
export function spawnNativeChild(
  mode: "--native" | "--native-serve",
  model: BenchModel,
  extra: string[] = [],
) {
  const script = fileURLToPath(new URL("../inference.ts", import.meta.url));
  return spawn(process.execPath, [...process.execArgv, script, mode, model.fixture, ...extra], {
    env: { ...process.env, UV_THREADPOOL_SIZE: "1", OMP_NUM_THREADS: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Resolves with the first stdout line of `child` that is a JSON object. */
export function firstJsonLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    let stdout = "";
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      // Only whole lines: a chunk may end inside the JSON.
      const line = stdout
        .split("\n")
        .slice(0, -1)
        .find((l) => l.startsWith("{"));
      if (!line) return;
      child.stdout?.off("data", onData);
      resolvePromise(JSON.parse(line) as T);
    };
    child.stdout?.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${what} exited with ${code}: ${stdout}`)));
  });
}

/** In the parent: runs the child for one model and returns what it printed. */
export async function runNative(model: BenchModel, coldOnly: boolean): Promise<SideResult> {
  const child = spawnNativeChild("--native", model, coldOnly ? ["--cold-only"] : []);
  return firstJsonLine<SideResult>(child, `the native baseline for ${model.fixture}`);
}
