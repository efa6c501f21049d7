/**
 * The Edgeflow side, in this process as `npm start` runs it: local D1 with migrations, the local S3
 * server, the tracking worker in Miniflare (models are registered through its REST API), and the
 * inference worker's bundle (wrangler's dry run, built once) started in a fresh Miniflare instance
 * per model, so each model's cold start and peak memory belong to a new workerd process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { bundleWorker } from "../../infra/local/bundle-cache";
import { applyLocalMigrations } from "../../infra/local/d1-migrations";
import { freePort } from "../../infra/local/ports";
import { type LocalS3, localS3Vars, startLocalS3 } from "../../infra/local/s3-server";
import { ensureUiBuilt } from "../../infra/local/ui-build";
import { type LocalWorker, startLocalWorker } from "../../infra/local/worker-runtime";
import { projectRoot } from "../../infra/local/wrangler";
import { type DelayProxy, startDelayProxy } from "../lib/delay-proxy";
import { HttpClient } from "../lib/http";
import { processFigures } from "../lib/processes";
import { sampleLatency, summarize } from "../lib/stats";
import { bundleWithoutWasm, type Phase, phasesOf } from "./cold-start";
import { FIXTURES, uploadFixtures } from "./fixtures";
import { Inspector, WORKER_TARGET } from "./inspector";
import {
  type CpuProfile,
  IsolateMemoryProbe,
  profileRequests,
  readIsolateMemory,
  writeProfile,
} from "./isolate";
import { type BenchModel, httpPredictor, measureWarm, type Settings, type SideResult } from "./workload";

const INFERENCE_CONFIG = "workers/inference/wrangler.toml";
const ALIAS = "bench";

export interface BundleSize {
  files: number;
  bytes: number;
  gzipBytes: number;
}

/** One fresh instance's cold start, with no inspector attached. */
export interface ColdRun {
  /** `new Miniflare()` until workerd answers: the process, the script and its .wasm loaded. */
  readyMs: number;
  /** From then to the first successful prediction. */
  firstMs: number;
}

/** Ready times (ms) of fresh instances that run no model: what the cold start's first part is made of. */
export interface StartupBaselines {
  /** An empty worker: workerd's own process start, Miniflare's entry worker and local D1. */
  emptyWorker: number[];
  /** The inference bundle with its .wasm swapped for an empty module: + the script's parse and start. */
  withoutWasm: number[];
}

export interface EdgeflowStack {
  bundle: BundleSize;
  /** A fresh instance's cold start to its first prediction, no inspector attached. */
  coldStart(model: BenchModel): Promise<ColdRun>;
  /** A fresh instance's first prediction under the CPU profiler, by phase (sampled ms). */
  profiledColdStart(model: BenchModel): Promise<Phase[]>;
  startupBaselines(runs: number): Promise<StartupBaselines>;
  /** Warm latency, throughput and memory in a fresh instance (the inspector attached). */
  run(model: BenchModel, s: Settings): Promise<Omit<SideResult, "coldMs" | "coldParts">>;
  stop(): Promise<void>;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} → ${response.status}: ${text}`);
  return JSON.parse(text);
}

function bundleSize(outdir: string): BundleSize {
  // What `wrangler deploy` uploads: the script and its .wasm modules (not the source map or README).
  const files = readdirSync(outdir).filter(
    (file) => (file.endsWith(".js") || file.endsWith(".wasm")) && statSync(join(outdir, file)).isFile(),
  );
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(outdir, file));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { files: files.length, bytes, gzipBytes };
}

/** workerd processes that are children of this process. */
function workerdChildren(): Set<number> {
  const out = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === process.pid) out.add(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function startEdgeflow(models: BenchModel[]): Promise<EdgeflowStack> {
  const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-bench-inference-"));
  const persistTo = join(stateDir, "wrangler");
  let s3: LocalS3 | undefined;
  let tracking: LocalWorker | undefined;
  let bucketProxy: DelayProxy | undefined;
  const stop = async () => {
    await Promise.allSettled([tracking?.dispose(), s3?.close(), bucketProxy?.close()]);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    // The tracking worker serves the UI as static assets: a fresh clone has none built yet.
    await ensureUiBuilt();
    await applyLocalMigrations(persistTo);
    s3 = await startLocalS3(join(stateDir, "s3"));
    const vars = { ...localS3Vars(s3), EDGEFLOW_AUTH: "off" };
    // BENCH_BUCKET_DELAY_MS: the inference worker reaches the bucket through a proxy that adds this
    // much to each request (a Worker's round trip to R2 or S3, not loopback's).
    const delayMs = Number(process.env.BENCH_BUCKET_DELAY_MS ?? 0);
    bucketProxy = delayMs > 0 ? await startDelayProxy(s3.endpoint, delayMs) : undefined;
    const workerVars = bucketProxy ? { ...vars, S3_ENDPOINT: bucketProxy.url } : vars;
    const wanted = Object.fromEntries(models.map((m) => [m.fixture, FIXTURES[m.fixture] ?? { folder: "" }]));
    const paths = await uploadFixtures(vars, wanted);
    tracking = await startLocalWorker({
      configPath: "wrangler.toml",
      outdir: join(stateDir, "build", "tracking"),
      persistTo,
      registryPath: join(stateDir, "registry"),
      port: await freePort(),
      vars,
    });
    const api = `${tracking.url}/api/2.0/mlflow`;
    for (const model of models) {
      await post(`${api}/registered-models/create`, { name: model.fixture });
      await post(`${api}/model-versions/create`, {
        name: model.fixture,
        source: `mlflow-artifacts:/${paths[model.fixture]}`,
      });
      await post(`${api}/registered-models/alias`, { name: model.fixture, alias: ALIAS, version: "1" });
    }
    const outdir = join(stateDir, "build", "inference");
    const scriptPath = await bundleWorker(INFERENCE_CONFIG, outdir);
    const wasm = readdirSync(outdir).filter((file) => file.endsWith(".wasm"));
    const { workerOptions } = unstable_getMiniflareWorkerOptions(resolve(projectRoot, INFERENCE_CONFIG));

    const withoutWasm = bundleWithoutWasm(outdir, join(stateDir, "build", "inference-without-wasm"));
    const invocationPath = (model: BenchModel) =>
      `/models/${encodeURIComponent(model.fixture)}@${ALIAS}/invocations`;

    /** A fresh workerd process running the bundle in `modulesRoot`, the inspector on `inspectorPort`. */
    const instance = async (modulesRoot: string, inspectorPort?: number) =>
      new Miniflare({
        ...workerOptions,
        modules: [
          { type: "ESModule", path: resolve(modulesRoot, basename(scriptPath)) },
          ...wasm.map((file) => ({ type: "CompiledWasm", path: resolve(modulesRoot, file) })),
        ],
        modulesRoot,
        bindings: { ...workerOptions.bindings, ...workerVars },
        host: "127.0.0.1",
        port: await freePort(),
        ...(inspectorPort === undefined ? {} : { inspectorPort }),
        d1Persist: resolve(persistTo, "v3", "d1"),
        cf: false,
      } as ConstructorParameters<typeof Miniflare>[0]);

    /** Ready time of a fresh instance (`script` for a worker of its own), disposed at once. */
    const readyTime = async (options: { modulesRoot: string } | { script: string }): Promise<number> => {
      const t0 = performance.now();
      const miniflare =
        "script" in options
          ? new Miniflare({
              modules: true,
              script: options.script,
              host: "127.0.0.1",
              port: await freePort(),
            })
          : await instance(options.modulesRoot);
      try {
        await miniflare.ready;
        return performance.now() - t0;
      } finally {
        await miniflare.dispose();
      }
    };

    const startupBaselines = async (runs: number): Promise<StartupBaselines> => {
      const out: StartupBaselines = { emptyWorker: [], withoutWasm: [] };
      for (let i = 0; i < runs; i++) {
        out.emptyWorker.push(await readyTime({ script: "export default { fetch: () => new Response('') }" }));
        out.withoutWasm.push(await readyTime({ modulesRoot: withoutWasm }));
      }
      return out;
    };

    const coldStart = async (model: BenchModel): Promise<ColdRun> => {
      const t0 = performance.now();
      const miniflare = await instance(outdir);
      const client = new HttpClient((await miniflare.ready).origin);
      try {
        const tReady = performance.now();
        await httpPredictor(client, invocationPath(model), model)(0);
        return { readyMs: tReady - t0, firstMs: performance.now() - tReady };
      } finally {
        client.close();
        await miniflare.dispose();
      }
    };

    const profiledColdStart = async (model: BenchModel): Promise<Phase[]> => {
      const inspectorPort = await freePort();
      const miniflare = await instance(outdir, inspectorPort);
      const client = new HttpClient((await miniflare.ready).origin);
      const inspector = await Inspector.connect(inspectorPort);
      try {
        await inspector.send("Profiler.enable");
        await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
        await inspector.send("Profiler.start");
        await httpPredictor(client, invocationPath(model), model)(0);
        const { profile } = await inspector.send<{ profile: CpuProfile }>("Profiler.stop");
        writeProfile(`${model.fixture}-cold`, profile);
        return phasesOf(profile, `${scriptPath}.map`);
      } finally {
        client.close();
        inspector.close();
        await miniflare.dispose();
      }
    };

    const run = async (model: BenchModel, s: Settings): Promise<Omit<SideResult, "coldMs" | "coldParts">> => {
      const before = workerdChildren();
      const inspectorPort = await freePort();
      const miniflare = await instance(outdir, inspectorPort);
      let client: HttpClient | undefined;
      let inspector: Inspector | undefined;
      try {
        const url = (await miniflare.ready).origin;
        const pids = [...workerdChildren()].filter((pid) => !before.has(pid));
        const figures = () => pids.map((pid) => processFigures(pid, "workerd"));
        const idleRssMiB = figures().reduce((sum, f) => sum + (f?.rssMiB ?? 0), 0);
        const cpuSeconds = () => figures().reduce((sum, f) => sum + (f?.cpuSeconds ?? 0), 0);
        inspector = await Inspector.connect(inspectorPort);
        const idleIsolate = await readIsolateMemory(inspector);
        const probe = new IsolateMemoryProbe(inspector);
        // Keep-alive: sequential requests reuse one connection, as a client of a serving endpoint does.
        client = new HttpClient(url);
        const http = client;
        const predict = httpPredictor(http, invocationPath(model), model);
        // Polled while the model loads (the bytes and the session being built peak here).
        const outputs: unknown[] = [await probe.during(() => predict(0))];
        for (let i = 1; i < model.inputs.length; i++) outputs.push(await predict(i));
        const loadedIsolate = await readIsolateMemory(inspector);
        const warm = await measureWarm(s, predict, cpuSeconds, probe);
        if (s.profile !== "off") {
          const targets = s.profile === "all" ? await Inspector.targets(inspectorPort) : [WORKER_TARGET];
          await profileRequests(inspectorPort, targets, inspector, model.fixture, s.measured, predict);
        }
        const ping = await sampleLatency(s.warmup, s.measured, () => http.ok("GET", "/ping"));
        const peakIsolate = await probe.peakMemory();
        const peakRssMiB = figures().reduce((sum, f) => sum + (f?.peakRssMiB ?? 0), 0);
        return {
          ...warm,
          idleRssMiB,
          peakRssMiB: pids.length === 0 ? Number.NaN : peakRssMiB,
          isolate: { idle: idleIsolate, loaded: loadedIsolate, peak: peakIsolate },
          pingP50Ms: summarize(ping).p50,
          outputs,
        };
      } finally {
        client?.close();
        inspector?.close();
        await miniflare.dispose();
      }
    };
    return { bundle: bundleSize(outdir), coldStart, profiledColdStart, startupBaselines, run, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
