/**
 * What the inspector tells about the worker's isolate: its memory (JS heap and the ArrayBuffer /
 * WebAssembly backing stores, read between measured phases and polled during throughput) and, with BENCH_PROFILE=1, a CPU
 * profile of the warm requests summarised by where the time went.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "./fixtures";
import { type HeapUsage, Inspector, WORKER_TARGET } from "./inspector";

const MiB = 2 ** 20;

/** Isolate memory in MiB: V8's heap (used and reserved) and the memory outside it. */
export interface IsolateMemory {
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** ArrayBuffer backing stores (getHeapUsage's backingStorageSize); NaN when V8 does not report it. */
  arrayBuffersMiB: number;
  /** WebAssembly.Memory: onnxruntime's linear memory, which grows and never shrinks. */
  wasmMiB: number;
  /** heapTotal + ArrayBuffers + WASM: what the isolate holds against the 128 MB limit. */
  totalMiB: number;
}

export function isolateMemory(usage: HeapUsage, wasmBytes: number): IsolateMemory {
  const buffers = usage.backingStorageSize;
  return {
    heapUsedMiB: usage.usedSize / MiB,
    heapTotalMiB: usage.totalSize / MiB,
    arrayBuffersMiB: buffers === undefined ? Number.NaN : buffers / MiB,
    wasmMiB: wasmBytes / MiB,
    totalMiB: (usage.totalSize + (buffers ?? 0) + wasmBytes) / MiB,
  };
}

/** The isolate's memory now. */
export async function readIsolateMemory(inspector: Inspector): Promise<IsolateMemory> {
  return isolateMemory(await inspector.heapUsage(), await inspector.wasmMemoryBytes());
}

const maxOf = (a: IsolateMemory, b: IsolateMemory): IsolateMemory => ({
  heapUsedMiB: Math.max(a.heapUsedMiB, b.heapUsedMiB),
  heapTotalMiB: Math.max(a.heapTotalMiB, b.heapTotalMiB),
  arrayBuffersMiB: Math.max(a.arrayBuffersMiB, b.arrayBuffersMiB),
  wasmMiB: Math.max(a.wasmMiB, b.wasmMiB),
  totalMiB: Math.max(a.totalMiB, b.totalMiB),
});

/**
 * Tracks the isolate's peak memory without slowing the latency figures down: every
 * Runtime.getHeapUsage runs on the isolate's thread and so waits for, or delays, a request (a
 * 50 ms poll landed inside most 36 ms stories260K requests). So it reads the heap at checkpoints
 * between measured phases, and polls (every `intervalMs`) only while throughput runs, when
 * several requests hold memory at once. Each figure keeps its own maximum (peaks need not
 * coincide). WASM memory is read once at the end: it never shrinks, so the last value is its
 * peak; the total's peak is the largest heap + ArrayBuffers seen plus that. The isolate answers
 * between JavaScript turns, so a spike inside one long synchronous call shows up only as what is
 * still held afterwards.
 */
export class IsolateMemoryProbe {
  private peak = isolateMemory({ usedSize: 0, totalSize: 0, backingStorageSize: 0 }, 0);

  constructor(
    private readonly inspector: Inspector,
    private readonly intervalMs = 200,
  ) {}

  async checkpoint(): Promise<void> {
    this.peak = maxOf(this.peak, isolateMemory(await this.inspector.heapUsage(), 0));
  }

  /** Runs `work` while polling the heap. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    let running = true;
    const loop = (async () => {
      while (running) {
        await this.checkpoint();
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    })();
    try {
      return await work();
    } finally {
      running = false;
      await loop;
    }
  }

  async peakMemory(): Promise<IsolateMemory> {
    const last = await readIsolateMemory(this.inspector);
    const top = maxOf(this.peak, last);
    return { ...top, totalMiB: Math.max(last.totalMiB, this.peak.totalMiB + last.wasmMiB) };
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a frame's code lives, by the bundle's module comments and the function names V8 reports. */
function areaOf(frame: ProfileNode["callFrame"]): string {
  const name = frame.functionName;
  if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") return name;
  if (frame.url.startsWith("wasm://") || /^\$?wasm-function|^\$/.test(name)) return "onnxruntime WASM";
  return frame.url ? `JS ${frame.url.split("/").pop()}` : "(native/V8)";
}

/**
 * Self time per function (top `limit`) and per area, in ms and as a share of the profiled wall
 * time; "(idle)" is the isolate waiting (for I/O or the next request).
 */
export function summarizeProfile(profile: CpuProfile, limit = 25): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one.
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = profile.endTime - profile.startTime;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop() ?? ""}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const rows = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, us]) =>
          `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`,
      );
  return [
    `profiled ${(total / 1000).toFixed(0)} ms, ${samples.length} samples`,
    "by area:",
    ...rows(byArea, 20),
    "by function (self time):",
    ...rows(byFunction, limit),
  ];
}

/** Saves the profile where Chrome DevTools can open it: bench/results/inference-<model>-<time>.cpuprofile. */
export function writeProfile(model: string, profile: CpuProfile): void {
  const folder = resolve(repoRoot, "bench", "results");
  mkdirSync(folder, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "").slice(0, 17);
  const file = resolve(folder, `inference-${model}-${stamp}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  process.stderr.write(`CPU profile: ${file}\n`);
}

/**
 * BENCH_PROFILE: profiles the `targets` isolates of the workerd process (the worker; with "all"
 * also Miniflare's entry worker and local D1) over `requests` warm requests, prints each summary
 * and saves the profiles.
 * Run after the warm phase, so V8 has tiered up what it will; profiling slows requests down.
 */
export async function profileRequests(
  port: number,
  targets: string[],
  worker: Inspector,
  model: string,
  requests: number,
  predict: (index: number) => Promise<unknown>,
): Promise<void> {
  // workerd allows one inspector session per isolate: the worker's is the one already open.
  const inspectors = await Promise.all(
    targets.map((target) => (target === WORKER_TARGET ? worker : Inspector.connect(port, target))),
  );
  try {
    const started = inspectors.map((inspector) => startProfile(inspector));
    await Promise.all(started);
    const t0 = performance.now();
    for (let i = 0; i < requests; i++) await predict(i);
    const wallMs = performance.now() - t0;
    const profiles = await Promise.all(
      inspectors.map((inspector) => inspector.send<{ profile: CpuProfile }>("Profiler.stop")),
    );
    process.stderr.write(`${model}: ${requests} requests in ${wallMs.toFixed(0)} ms under the profiler\n`);
    for (const [i, { profile }] of profiles.entries()) {
      if (profile.samples?.length === 0) continue;
      const target = targets[i] as string;
      process.stderr.write(`--- isolate ${target}\n${summarizeProfile(profile, 15).join("\n")}\n`);
      writeProfile(`${model}-${target.replace(/[^\w-]+/g, "_")}`, profile);
    }
  } finally {
    for (const inspector of inspectors) if (inspector !== worker) inspector.close();
  }
}

async function startProfile(inspector: Inspector): Promise<void> {
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
  await inspector.send("Profiler.start");
}
