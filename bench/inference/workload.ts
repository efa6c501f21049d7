/**
 * What the inference benchmark measures, shared by the Edgeflow side (HTTP to the inference worker)
 * and the native side (onnxruntime-node through transformers.js in a child process): the models,
 * their inputs, and the measurement loop run against a `predict(index)` function.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { HttpClient } from "../lib/http";
import { type Summary, sampleLatency, summarize } from "../lib/stats";
import { FIXTURES, sharedRoot } from "./fixtures";
import type { IsolateMemory } from "./isolate";

export interface BenchModel {
  /** Fixture name in ./fixtures.ts (also the registered model's name). */
  fixture: string;
  task: "text-classification" | "text-generation";
  label: string;
  inputs: string[];
  /** Generation parameters (greedy), identical on both sides. */
  params?: { max_new_tokens: number; do_sample: false };
}

function storiesParams(): { max_new_tokens: number; do_sample: false } {
  const folder = resolve(sharedRoot, FIXTURES.stories?.folder ?? "models/stories260K");
  const expected = JSON.parse(readFileSync(resolve(folder, "expected.json"), "utf8")) as {
    max_new_tokens: number;
  };
  return { max_new_tokens: expected.max_new_tokens, do_sample: false };
}

export function benchModels(): BenchModel[] {
  return [
    {
      fixture: "sst2",
      task: "text-classification",
      label: "sst2-bert-mini q8 (text-classification)",
      inputs: [
        "I love this",
        "Boring, predictable and far too long.",
        "A charming, funny and moving film.",
        "The plot makes no sense and the acting is wooden.",
      ],
    },
    {
      fixture: "stories",
      task: "text-generation",
      label: `stories260K q8 (text-generation, ${storiesParams().max_new_tokens} new tokens, greedy)`,
      inputs: ["Once upon a time", "Lily and Tom", "The little dog"],
      params: storiesParams(),
    },
  ];
}

/**
 * `predict(index)` over HTTP: POSTs the index's input as MLflow's `{"inputs": [text], "params"?}`
 * to `path` and returns the one prediction (Edgeflow and the served native baseline alike).
 */
export function httpPredictor(http: HttpClient, path: string, model: BenchModel) {
  return async (index: number): Promise<unknown> => {
    const text = model.inputs[index % model.inputs.length] as string;
    const body = JSON.stringify(model.params ? { inputs: [text], params: model.params } : { inputs: [text] });
    const { predictions } = await http.json<{ predictions: unknown[] }>("POST", path, body);
    return predictions[0];
  };
}

export interface Settings {
  quick: boolean;
  /**
   * BENCH_PROFILE=1: CPU profiles over `measured` warm requests of the worker's isolate ("worker"),
   * or with BENCH_PROFILE=all of every isolate in workerd (entry worker, local D1) too.
   */
  profile: "off" | "worker" | "all";
  warmup: number;
  measured: number;
  concurrency: number;
  throughputSeconds: number;
  /** Fresh instances started per side and model; the cold start reported is their median. */
  coldRuns: number;
}

/** A whole-number setting from the environment, or the default. */
function count(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function settings(): Settings {
  const quick = process.env.BENCH_QUICK === "1";
  const raw = process.env.BENCH_PROFILE ?? "";
  const profile = raw === "all" ? "all" : raw === "" || raw === "0" ? "off" : "worker";
  // Warm-up: V8 tiers the onnxruntime WASM and the JS up over the first hundred or so requests
  // (the first ones after a load take 2-3x as long), so "warm" starts after 200 on both sides.
  const base = quick
    ? { warmup: 20, measured: 5, concurrency: 4, throughputSeconds: 1, coldRuns: 1 }
    : { warmup: 200, measured: 100, concurrency: 4, throughputSeconds: 5, coldRuns: 3 };
  return {
    quick,
    profile,
    ...base,
    warmup: count("BENCH_WARMUP", base.warmup),
    measured: count("BENCH_MEASURED", base.measured),
    coldRuns: Math.max(1, count("BENCH_COLD_RUNS", base.coldRuns)),
  };
}

export interface SideResult {
  /** ms from a fresh process/instance to the first successful prediction. */
  coldMs: number;
  /** Parts of the cold start, for context (ms). */
  coldParts: Record<string, number>;
  warm: Summary;
  /** The first EARLY_REQUESTS requests after the cold one, before V8 has tiered the code up. */
  earlyWarm: Summary;
  throughputRps: number;
  throughputRequests: number;
  /** CPU time of the serving process during the throughput phase ÷ its wall time: cores busy. */
  throughputCores: number;
  /** Resident set size of the serving process before any model is loaded, MiB. */
  idleRssMiB: number;
  /** Peak resident set size (VmHWM) of the serving process, MiB. */
  peakRssMiB: number;
  /** Edgeflow only: the isolate's memory before any request, after loading the model, and at peak. */
  isolate?: { idle: IsolateMemory; loaded: IsolateMemory; peak: IsolateMemory };
  /** Over HTTP only: p50 of GET /ping on the same server and connection, the loopback HTTP floor (ms). */
  pingP50Ms?: number;
  /** Output per input (the first `inputs.length` predictions), to check both sides agree. */
  outputs: unknown[];
}

/** Requests right after the cold one whose latency is reported on its own (part of the warm-up). */
export const EARLY_REQUESTS = 20;

/** Memory readings between phases (a reading during a latency phase would be inside its figures). */
export interface PhaseProbe {
  checkpoint(): Promise<void>;
  during<T>(work: () => Promise<T>): Promise<T>;
}

const NO_PROBE: PhaseProbe = { checkpoint: async () => {}, during: (work) => work() };

/** Warm latency (sequential) then throughput (`concurrency` clients for `throughputSeconds`). */
export async function measureWarm(
  s: Settings,
  predict: (index: number) => Promise<unknown>,
  cpuSeconds: () => number,
  probe: PhaseProbe = NO_PROBE,
): Promise<{
  warm: Summary;
  earlyWarm: Summary;
  throughputRps: number;
  throughputRequests: number;
  throughputCores: number;
}> {
  let i = 0;
  const early = Math.min(EARLY_REQUESTS, s.warmup);
  const earlySamples = await sampleLatency(0, early, () => predict(i++));
  await probe.checkpoint();
  await sampleLatency(s.warmup - early, 0, () => predict(i++));
  await probe.checkpoint();
  const samples = await sampleLatency(0, s.measured, () => predict(i++));
  await probe.checkpoint();
  const deadline = performance.now() + s.throughputSeconds * 1000;
  const start = performance.now();
  const cpuStart = cpuSeconds();
  let done = 0;
  const client = async () => {
    while (performance.now() < deadline) {
      await predict(i++);
      done += 1;
    }
  };
  await probe.during(() => Promise.all(Array.from({ length: s.concurrency }, client)));
  const seconds = (performance.now() - start) / 1000;
  return {
    warm: summarize(samples),
    earlyWarm: summarize(earlySamples),
    throughputRps: done / seconds,
    throughputRequests: done,
    throughputCores: (cpuSeconds() - cpuStart) / seconds,
  };
}

/** What a cold-only run reports in place of the warm figures. */
export const NO_WARM = {
  warm: summarize([]),
  earlyWarm: summarize([]),
  throughputRps: Number.NaN,
  throughputRequests: 0,
  throughputCores: Number.NaN,
};
