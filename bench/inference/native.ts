/**
 * The native baseline: the same ONNX file (q8) run by onnxruntime-node (CPU, intra/inter-op 1
 * thread) through transformers.js' Node pipeline, in a child process of its own so that its cold
 * start starts from nothing and its peak RSS is its own. The child runs with UV_THREADPOOL_SIZE=1,
 * so concurrent requests cannot run on several cores either: one thread, like one isolate.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FIXTURES, sharedRoot } from "./fixtures";
import { type BenchModel, measureWarm, NO_WARM, type Settings, type SideResult } from "./workload";

function statusMiB(field: "VmHWM" | "VmRSS"): number {
  const match = readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** In the child: load, predict once (cold), measure warm, print one JSON line. */
export async function runNativeChild(model: BenchModel, s: Settings, coldOnly: boolean): Promise<SideResult> {
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
  const predict = async (index: number): Promise<unknown> => {
    const text = model.inputs[index % model.inputs.length] as string;
    if (model.task === "text-generation") {
      const out = (await pipe(text, { ...model.params })) as { generated_text: string }[];
      return (out[0]?.generated_text ?? "").trim();
    }
    const out = (await pipe(text)) as unknown[];
    return out[0];
  };
  const outputs: unknown[] = [await predict(0)];
  const tFirst = performance.now();
  for (let i = 1; i < model.inputs.length; i++) outputs.push(await predict(i));
  const warm = coldOnly ? NO_WARM : await measureWarm(s, predict, cpuSeconds);
  return {
    coldMs: tFirst - t0,
    coldParts: { import: tImport - t0, load: tLoad - tImport, firstPrediction: tFirst - tLoad },
    ...warm,
    idleRssMiB,
    peakRssMiB: statusMiB("VmHWM"),
    outputs,
  };
}

/** In the parent: runs the child for one model and returns what it printed. */
export function runNative(model: BenchModel, coldOnly: boolean): Promise<SideResult> {
  const script = fileURLToPath(new URL("../inference.ts", import.meta.url));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, script, "--native", model.fixture, ...(coldOnly ? ["--cold-only"] : [])],
      {
        env: { ...process.env, UV_THREADPOOL_SIZE: "1", OMP_NUM_THREADS: "1" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`the native baseline for ${model.fixture} exited with ${code}: ${stdout}`));
        return;
      }
      resolvePromise(JSON.parse(line) as SideResult);
    });
  });
}
