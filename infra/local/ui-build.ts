/**
 * The web UI's static files for `npm start` and the tests: built with Vite into packages/ui/dist
 * when missing or older than any source file, so a fresh checkout and an edited UI both just work.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { projectRoot } from "./wrangler";

export const uiRoot = resolve(projectRoot, "packages/ui");
export const uiDist = resolve(uiRoot, "dist");

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function uiIsStale(): boolean {
  const index = join(uiDist, "index.html");
  if (!existsSync(index)) return true;
  const sources = ["src", "index.html", "vite.config.ts", "package.json"].map((p) => join(uiRoot, p));
  const newestSource = Math.max(...sources.filter(existsSync).map(newestMtime));
  return newestSource > statSync(index).mtimeMs;
}

/** Runs `vite build` in packages/ui when the build is missing or stale. */
export async function ensureUiBuilt(): Promise<void> {
  if (!uiIsStale()) return;
  const vite = resolve(projectRoot, "node_modules/vite/bin/vite.js");
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: uiRoot,
      stdio: "inherit",
    });
    child.on("exit", (code) => (code === 0 ? done() : fail(new Error(`vite build exited with ${code}`))));
  });
}
