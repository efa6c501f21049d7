/**
 * Both workers of a local stack in ONE Miniflare (one workerd process), each on its own loopback
 * port. One process because both bind the same D1 database: two workerd processes open the one
 * SQLite file side by side, and a write in one (the gateway's usage trace, a logged metric) made
 * reads in the other fail with SQLITE_BUSY, a 500 no deployed D1 ever gives. In one process the
 * database is one object, and the tracking worker's INFERENCE service binding reaches the
 * inference worker directly, as Cloudflare routes it, without a dev registry.
 */
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { bundleModules, cachedBundle, sourceHash } from "./bundle-cache";
import type { LocalWorker } from "./worker-runtime";
import { projectRoot } from "./wrangler";

export interface StackWorkerSpec {
  configPath: string;
  port: number;
  vars: Record<string, string>;
}

async function workerOptionsOf(spec: StackWorkerSpec, sources: string) {
  const configPath = resolve(projectRoot, spec.configPath);
  const outdir = await cachedBundle(spec.configPath, sources);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  return {
    ...workerOptions,
    // The name service bindings find it by (wrangler.toml's `name`).
    name: unstable_readConfig({ config: configPath }).name,
    ...bundleModules(outdir),
    modulesRoot: outdir,
    bindings: { ...workerOptions.bindings, ...spec.vars },
    // Each worker answers on its own port, straight into the worker.
    unsafeDirectSockets: [{ host: "127.0.0.1", port: spec.port }],
  };
}

/**
 * Starts `specs` (the first is also Miniflare's entry) in one Miniflare persisting D1 under
 * `persistTo`, and returns a handle per worker. Restarting any of them restarts the process with
 * every worker in it, state kept (a crashed server coming back).
 */
export async function startStackWorkers(specs: StackWorkerSpec[], persistTo: string): Promise<LocalWorker[]> {
  // One hash of the sources for all the workers: reading the tree once is enough.
  const sources = sourceHash();
  const workers = await Promise.all(specs.map((spec) => workerOptionsOf(spec, sources)));
  const settings = {
    workers,
    host: "127.0.0.1",
    // The entry socket is not used: every worker has its own direct socket.
    port: 0,
    d1Persist: resolve(persistTo, "v3", "d1"),
    cf: false,
  } as ConstructorParameters<typeof Miniflare>[0];
  let miniflare = new Miniflare(settings);
  await miniflare.ready;
  let stopped: Promise<void> | undefined;
  const dispose = () => {
    stopped ??= miniflare.dispose();
    return stopped;
  };
  const restart = async () => {
    await dispose();
    miniflare = new Miniflare(settings);
    await miniflare.ready;
    stopped = undefined;
  };
  return specs.map((spec) => ({ url: `http://127.0.0.1:${spec.port}`, dispose, restart }));
}
