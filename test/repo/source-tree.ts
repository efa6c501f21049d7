import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root, from this file's place in it. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The files git tracks, plus the untracked ones it does not ignore, minus the deleted ones: the
 * tree as the next commit would hold it.
 */
export function trackedFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return [...new Set(out.split("\n"))].filter((file) => file !== "" && existsSync(join(ROOT, file)));
}

/**
 * TypeScript sources of the workspace packages and workers, and their bin scripts (tests and the
 * UI's own build left out).
 */
export function sourceFiles(): string[] {
  return trackedFiles().filter(
    (file) =>
      /^(packages|workers)\/[^/]+\/(src\/.*\.tsx?|bin\/[^/]+\.mjs)$/.test(file) &&
      !/\.(test|d)\.tsx?$/.test(file),
  );
}

export function read(file: string): string {
  return readFileSync(join(ROOT, file), "utf8");
}

/** Every module specifier a file imports or re-exports, with its line (type-only imports too). */
export function importsOf(file: string): { specifier: string; line: number }[] {
  const text = read(file);
  const found: { specifier: string; line: number }[] = [];
  const pattern = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s*from\s*)?["']([^"']+)["']/gm;
  for (const match of text.matchAll(pattern)) {
    const line = text.slice(0, match.index).split("\n").length;
    found.push({ specifier: match[1] as string, line });
  }
  // import("x"), for lazy loading and `typeof import("x")` types.
  for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
    const line = text.slice(0, match.index).split("\n").length;
    found.push({ specifier: match[1] as string, line });
  }
  return found;
}

/** The workspace folder a file belongs to ("packages/core", "workers/tracking"). */
export function workspaceOf(file: string): string {
  return file.split("/").slice(0, 2).join("/");
}
