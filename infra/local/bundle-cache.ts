/**
 * Worker bundles for local stacks, built once per source tree. `wrangler deploy --dry-run` takes
 * 5-10 s per worker, and every `npm start`, every stack a test opens and every test of MLflow's
 * REST suite (one fresh server each) used to pay it twice. A bundle is a pure function of the
 * sources it is built from, so it is kept under .edgeflow/bundles/<hash of those sources>/ and
 * reused while they stay the same; an edit anywhere they cover yields a new hash and a new build.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { projectRoot, runWrangler } from "./wrangler";

/** What a worker bundle is built from: every worker's and package's sources, the configs, the lockfile. */
const BUNDLE_INPUTS = ["workers", "packages", "wrangler.toml", "package-lock.json", "tsconfig.json"];
/** Build outputs and dependencies inside those folders: not sources (the lockfile covers packages). */
const NOT_INPUTS = new Set(["node_modules", "dist", ".wrangler", ".turbo", "migrations"]);
const CACHE = resolve(projectRoot, ".edgeflow", "bundles");
/** Bundles of older source trees kept beside the current one (other branches, other checkouts' runs). */
const KEEP = 4;

/** `wrangler deploy --dry-run`: the exact artifact `wrangler deploy` would upload, written to `outdir`. */
export async function bundleWorker(configPath: string, outdir: string): Promise<string> {
  await runWrangler(["deploy", "--dry-run", "--outdir", outdir, "--config", configPath]);
  return resolve(outdir, "index.js");
}

/**
 * A bundle's modules for Miniflare. A bundle with only index.js lets Miniflare collect its imports;
 * one with .wasm modules (the inference worker) lists them, because Miniflare's import collection
 * refuses the non-literal dynamic imports inside onnxruntime-web, which workerd itself never reaches.
 */
export function bundleModules(outdir: string) {
  const scriptPath = resolve(outdir, "index.js");
  const wasm = readdirSync(outdir).filter((file) => file.endsWith(".wasm"));
  if (wasm.length === 0) return { modules: true, scriptPath };
  return {
    modules: [
      { type: "ESModule", path: scriptPath },
      ...wasm.map((file) => ({ type: "CompiledWasm", path: resolve(outdir, file) })),
    ],
  };
}

function addTree(hash: ReturnType<typeof createHash>, path: string): void {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      if (!NOT_INPUTS.has(entry)) addTree(hash, join(path, entry));
    }
    return;
  }
  hash.update(relative(projectRoot, path)).update("\0").update(readFileSync(path)).update("\0");
}

/** A hash of the sources: content, not mtimes, so a fresh clone of the same commit hits the same key. */
export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const input of BUNDLE_INPUTS) {
    const path = resolve(projectRoot, input);
    if (existsSync(path)) addTree(hash, path);
  }
  return hash.digest("hex").slice(0, 16);
}

function pruneOlderTrees(current: string): void {
  if (!existsSync(CACHE)) return;
  const trees = readdirSync(CACHE)
    .filter((name) => name !== current && !name.includes(".tmp-"))
    .map((name) => ({ name, mtime: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const tree of trees.slice(KEEP)) rmSync(join(CACHE, tree.name), { recursive: true, force: true });
}

/**
 * The folder holding the bundle of the worker configured at `configPath` (index.js and any .wasm),
 * built into a private folder and renamed into place, so stacks starting side by side (parallel
 * tests) never read a half-written bundle; two that build at once simply both build.
 */
export async function cachedBundle(configPath: string, key = sourceHash()): Promise<string> {
  const name = configPath.replace(/[^A-Za-z0-9_-]+/g, "_");
  const folder = join(CACHE, key, name);
  if (existsSync(join(folder, "index.js"))) return folder;
  const building = `${folder}.tmp-${process.pid}-${Date.now()}`;
  await bundleWorker(configPath, building);
  mkdirSync(join(CACHE, key), { recursive: true });
  try {
    renameSync(building, folder);
  } catch (error) {
    // Another stack finished the same bundle first: theirs is identical, keep it.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(folder, "index.js"))) throw error;
  }
  pruneOlderTrees(key);
  return folder;
}
