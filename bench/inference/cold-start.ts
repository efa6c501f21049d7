/**
 * Where a cold start goes. Three figures come from timing fresh workerd processes with no inspector
 * attached (a debugger makes V8 run WebAssembly as debuggable code, which roughly doubled the
 * first request): how long an empty worker takes to be ready (workerd's own process start, which
 * a Worker on Cloudflare never pays: the runtime is already up), how long the bundle takes with its
 * onnxruntime .wasm swapped for an empty module (+ the script's parse and top-level evaluation),
 * and with the real .wasm (+ compiling the module). The first request's CPU is then split by a CPU
 * profile of one more cold instance, its frames mapped through the bundle's source map to the
 * stage or library they belong to (onnxruntime's and the bundle's names are minified).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { originalPositionFor, sourceContentFor, TraceMap } from "@jridgewell/trace-mapping";
import type { CpuProfile } from "./isolate";

/** The smallest valid WebAssembly module: the magic number and version, no sections. */
const EMPTY_WASM = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]);

/** A copy of the bundle whose .wasm modules are empty: it starts without compiling onnxruntime. */
export function bundleWithoutWasm(outdir: string, into: string): string {
  mkdirSync(into, { recursive: true });
  for (const file of readdirSync(outdir)) {
    if (file.endsWith(".wasm")) writeFileSync(join(into, file), EMPTY_WASM);
    else if (file.endsWith(".js")) copyFileSync(join(outdir, file), join(into, file));
  }
  return into;
}

/** A profiled frame after the source map: the original file and, where the map names it, the function. */
interface Frame {
  source: string;
  name: string;
}

const ORT = "onnxruntime-web/";
const TRANSFORMERS = "@huggingface/transformers/";

interface PhaseRow {
  phase: string;
  claims: (frame: Frame) => boolean;
}

/**
 * The stages of loading and first running a model: a sample belongs to the innermost stage on its
 * stack (reading tokenizer.json happens inside building the tokenizer, and counts as parsing).
 * WebAssembly frames have no names, so onnxruntime's time goes to the call that entered it.
 */
const STAGES: readonly PhaseRow[] = [
  {
    phase: "onnxruntime start (WASM instance, OrtInit)",
    claims: (f) => f.source.includes(ORT) && /^(initOrt|initRuntime|initializeWebAssembly)$/.test(f.name),
  },
  {
    phase: "session create (graph load, optimisation, kernels)",
    claims: (f) => f.source.includes(ORT) && /^createSession/.test(f.name),
  },
  { phase: "first run (onnxruntime)", claims: (f) => f.source.includes(ORT) && f.name === "run" },
  {
    phase: "JSON parse (config.json, tokenizer.json)",
    claims: (f) => f.source.includes(TRANSFORMERS) && f.name === "getModelJSON",
  },
  {
    phase: "tokenizer build",
    claims: (f) => f.source.includes(TRANSFORMERS) && /^(loadTokenizer|create_\w+)$/.test(f.name),
  },
];

/** Otherwise a sample belongs to the innermost library (or part of the worker) on its stack. */
const OWNERS: readonly PhaseRow[] = [
  {
    phase: "transformers.js (module start, pipeline set-up, pre/post-processing)",
    claims: (f) => f.source.includes(TRANSFORMERS) || f.source.endsWith("runtime/transformers.ts"),
  },
  // Emscripten's glue (exception wrappers around calls back into WebAssembly) claims nothing: its
  // time belongs to whatever onnxruntime call it serves.
  {
    phase: "onnxruntime JS (tensors, bindings)",
    claims: (f) => f.source.includes(ORT) && !f.source.endsWith(".mjs"),
  },
  { phase: "bucket client (S3 SDK, XML)", claims: (f) => /@aws-sdk|@smithy|xmldom|fast-xml/.test(f.source) },
  {
    phase: "registry and MLmodel (drizzle, core, YAML)",
    claims: (f) => /drizzle-orm|packages\/core|packages\/schema|\/yaml\//.test(f.source),
  },
  { phase: "worker code", claims: (f) => f.source.includes("workers/inference/") },
];

/**
 * The function declared at a source line, for a frame the map gives no name: V8 places a frame at
 * its function's start, so the line reads `export const run = async (`, `async run(` or
 * `function getModelJSON(`.
 */
function declaredName(line: string | undefined): string | undefined {
  return line?.match(/([A-Za-z_$][\w$]*)\s*(?:=|\()/)?.[1];
}

/** What a sample is when its own frame is one of V8's pseudo-frames. */
const PSEUDO_FRAMES: Readonly<Record<string, string>> = {
  "(idle)": "waiting on I/O (D1, bucket)",
  "(garbage collector)": "garbage collection",
  "(program)": "V8 itself (compiling, runtime)",
};

export interface Phase {
  phase: string;
  ms: number;
}

/** The profile's sampled time by phase, largest first, with "other" for what no row claims. */
export function phasesOf(profile: CpuProfile, sourceMap: string): Phase[] {
  const map = new TraceMap(readFileSync(sourceMap, "utf8"));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const lines = new Map<string, string[]>();
  const linesOf = (source: string) => {
    let text = lines.get(source);
    if (!text) {
      text = (sourceContentFor(map, source) ?? "").split("\n");
      lines.set(source, text);
    }
    return text;
  };
  const frames = new Map<number, Frame>();
  const frameOf = (id: number): Frame => {
    let frame = frames.get(id);
    if (!frame) {
      const { callFrame } = nodes.get(id) as CpuProfile["nodes"][number];
      // Only the bundle's own frames map (WebAssembly frames carry the module's hash as their url).
      const original = callFrame.url.endsWith(".js")
        ? originalPositionFor(map, { line: callFrame.lineNumber + 1, column: callFrame.columnNumber ?? 0 })
        : undefined;
      const source = original?.source ?? undefined;
      frame = {
        source: source ?? callFrame.url,
        name:
          original?.name ??
          (source && original?.line ? declaredName(linesOf(source)[original.line - 1]) : undefined) ??
          callFrame.functionName,
      };
      frames.set(id, frame);
    }
    return frame;
  };
  const phaseOf = (leaf: number): string => {
    const pseudo = PSEUDO_FRAMES[(nodes.get(leaf) as CpuProfile["nodes"][number]).callFrame.functionName];
    if (pseudo) return pseudo;
    const stack: Frame[] = [];
    for (let id: number | undefined = leaf; id !== undefined; id = parents.get(id)) stack.push(frameOf(id));
    for (const rows of [STAGES, OWNERS]) {
      for (const frame of stack) {
        const row = rows.find((r) => r.claims(frame));
        if (row) return row.phase;
      }
    }
    return "other";
  };
  const byPhase = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const phase = phaseOf(samples[i] as number);
    byPhase.set(phase, (byPhase.get(phase) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  return [...byPhase.entries()].map(([phase, ms]) => ({ phase, ms })).sort((a, b) => b.ms - a.ms);
}
