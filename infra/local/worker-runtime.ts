/**
 * Runs a worker for `npm start` the way production runs it, minus the network: wrangler bundles it
 * (the exact artifact `wrangler deploy` uploads) and Miniflare runs the bundle in workerd with the
 * bindings wrangler.toml declares and local D1 persisted where wrangler's own commands keep it.
 * Miniflare directly, rather than `wrangler dev`, because the dev proxy in front of the worker
 * streamed large artifacts about 20x slower than workerd itself.
 */
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { bundleWorker, cachedBundle } from "./bundle-cache";
import { projectRoot } from "./wrangler";

export interface LocalWorker {
  url: string;
  dispose(): Promise<void>;
  /** Stops the worker and starts it again on the same port, state kept (a crashed server coming back). */
  restart(): Promise<void>;
}

/**
 * The bundle's modules. A bundle with only index.js lets Miniflare collect its imports; one with
 * .wasm modules (the inference worker) lists them, because Miniflare's import collection refuses the
 * non-literal dynamic imports inside onnxruntime-web, which workerd itself never reaches.
 */
function bundleModules(outdir: string, scriptPath: string) {
  const wasm = readdirSync(outdir).filter((file) => file.endsWith(".wasm"));
  if (wasm.length === 0) return { modules: true, scriptPath };
  return {
    modules: [
      { type: "ESModule", path: scriptPath },
      ...wasm.map((file) => ({ type: "CompiledWasm", path: resolve(outdir, file) })),
    ],
  };
}

export async function startLocalWorker(options: {
  configPath: string;
  /** Where to bundle the worker; by default the shared bundle cache (bundle-cache.ts). */
  outdir?: string;
  persistTo: string;
  port: number;
  vars: Record<string, string>;
  /**
   * Where the stack's workers find each other: each Miniflare registers its worker here, and a
   * service binding (the tracking worker's INFERENCE) reaches the worker of that name in another
   * Miniflare through it, as `wrangler dev` does across its processes.
   */
  registryPath: string;
}): Promise<LocalWorker> {
  const outdir = options.outdir ?? (await cachedBundle(options.configPath));
  const scriptPath = options.outdir
    ? await bundleWorker(options.configPath, outdir)
    : resolve(outdir, "index.js");
  const configPath = resolve(projectRoot, options.configPath);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const settings = {
    ...workerOptions,
    // The name service bindings use to find it in the registry (wrangler.toml's `name`).
    name: unstable_readConfig({ config: configPath }).name,
    ...bundleModules(outdir, scriptPath),
    modulesRoot: outdir,
    bindings: { ...workerOptions.bindings, ...options.vars },
    host: "127.0.0.1",
    port: options.port,
    d1Persist: resolve(options.persistTo, "v3", "d1"),
    unsafeDevRegistryPath: options.registryPath,
    cf: false,
  } as ConstructorParameters<typeof Miniflare>[0];
  let miniflare = new Miniflare(settings);
  const url = await miniflare.ready;
  return {
    url: url.origin,
    dispose: () => miniflare.dispose(),
    restart: async () => {
      await miniflare.dispose();
      miniflare = new Miniflare({ ...settings, port: Number(url.port) });
      await miniflare.ready;
    },
  };
}
