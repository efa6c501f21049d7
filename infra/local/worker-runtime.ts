/**
 * One worker alone in its own Miniflare, for the benchmarks that measure a single worker (npm start
 * and the tests run both workers in one: stack-runtime.ts). As production runs it, minus the
 * network: wrangler bundles it (the exact artifact `wrangler deploy` uploads) and Miniflare runs
 * the bundle in workerd with the bindings wrangler.toml declares and local D1 persisted where
 * wrangler's own commands keep it. Miniflare directly, rather than `wrangler dev`, because the dev
 * proxy in front of the worker streamed large artifacts about 20x slower than workerd itself.
 */
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { bundleModules, bundleWorker } from "./bundle-cache";
import { projectRoot } from "./wrangler";

export interface LocalWorker {
  url: string;
  dispose(): Promise<void>;
  /** Stops the worker and starts it again on the same port, state kept (a crashed server coming back). */
  restart(): Promise<void>;
}

export async function startLocalWorker(options: {
  configPath: string;
  outdir: string;
  persistTo: string;
  port: number;
  vars: Record<string, string>;
  /**
   * A dev registry: the tracking worker's INFERENCE service binding needs a worker of that name
   * somewhere, and Miniflare refuses to start a binding to a service it cannot place; through a
   * registry the binding stays unresolved until such a worker registers (the benches run none).
   */
  registryPath: string;
}): Promise<LocalWorker> {
  await bundleWorker(options.configPath, options.outdir);
  const configPath = resolve(projectRoot, options.configPath);
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const settings = {
    ...workerOptions,
    name: unstable_readConfig({ config: configPath }).name,
    ...bundleModules(options.outdir),
    modulesRoot: options.outdir,
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
