/**
 * A frozen copy of the working tree for the stack under test. `wrangler dev` always watches the
 * worker's sources and restarts the worker when one changes ("Your worker restarted
 * mid-request"), and a stack that bundles at start would still pick up a half-made edit; so the
 * stack runs from a copy of the tree (without node_modules, .git and bench/). The copy's
 * node_modules entries are symlinks to the real ones, except the workspace packages, which point
 * into the copy.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/** Left out of the copy at any depth: installed packages, git, local state and build output. */
const SKIPPED = new Set(["node_modules", ".git", ".wrangler", ".edgeflow", "dist", "coverage"]);
/** Left out at the top: the benchmark itself (and its results) is not part of the stack. */
const SKIPPED_AT_TOP = new Set(["bench"]);
const WORKSPACE_SCOPE = "@edgeflow";

export interface Snapshot {
  dir: string;
  /** The commit the tree is based on, and whether it had changes (read-only git commands). */
  source: string;
  remove(): void;
}

function describeSource(root: string): string {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["--no-optional-locks", ...args], {
        cwd: root,
        encoding: "utf8",
        stdio: "pipe",
      }).trim();
    const commit = git("rev-parse", "--short", "HEAD");
    const changed = git("status", "--porcelain").split("\n").filter(Boolean).length;
    return changed === 0 ? `commit ${commit}` : `commit ${commit} + ${changed} changed or untracked paths`;
  } catch {
    return "not a git checkout";
  }
}

/** The files of a commit (`git archive`, read-only), for benchmarking a ref instead of the tree. */
function extractRef(root: string, ref: string, dir: string): string {
  const commit = execFileSync("git", ["rev-parse", "--verify", "--short", `${ref}^{commit}`], {
    cwd: root,
    encoding: "utf8",
    stdio: "pipe",
  }).trim();
  execFileSync("sh", ["-c", 'git archive --format=tar "$0" | tar -x -C "$1"', commit, dir], {
    cwd: root,
    stdio: "pipe",
  });
  return `commit ${commit} (BENCH_REF=${ref}), its committed files only`;
}

/** Copies the working tree, or with `ref` that commit's files, into a temporary folder. */
export function snapshotTree(root: string, ref?: string): Snapshot {
  const dir = mkdtempSync(join(tmpdir(), "edgeflow-bench-tree-"));
  let source: string;
  if (ref) {
    source = extractRef(root, ref, dir);
  } else {
    source = describeSource(root);
    for (const entry of readdirSync(root)) {
      if (SKIPPED.has(entry) || SKIPPED_AT_TOP.has(entry)) continue;
      cpSync(join(root, entry), join(dir, entry), {
        recursive: true,
        filter: (path) => !SKIPPED.has(basename(path)),
      });
    }
  }
  const modules = join(dir, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry === WORKSPACE_SCOPE) continue;
    symlinkSync(join(root, "node_modules", entry), join(modules, entry));
  }
  // Workspace packages resolve to the copied sources (npm links them as ../../<workspace dir>).
  mkdirSync(join(modules, WORKSPACE_SCOPE));
  for (const group of ["packages", "workers"]) {
    for (const name of readdirSync(join(dir, group))) {
      const manifest = join(dir, group, name, "package.json");
      if (!existsSync(manifest)) continue;
      const { name: packageName } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
      if (packageName?.startsWith(`${WORKSPACE_SCOPE}/`)) {
        symlinkSync(join(dir, group, name), join(modules, packageName));
      }
    }
  }
  return { dir, source, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
