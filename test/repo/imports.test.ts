import { existsSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, ROOT, read, sourceFiles, workspaceOf } from "./source-tree";

/**
 * The layout's promises, checked on the source itself: no import cycle between files, and each
 * workspace imports only the ones below it (schema ← core, http ← workers; nothing imports a worker).
 */

const WORKSPACE_OF_PACKAGE: Record<string, string> = {};
for (const file of sourceFiles()) {
  const folder = workspaceOf(file);
  if (WORKSPACE_OF_PACKAGE[folder] === undefined) {
    const name = (JSON.parse(read(`${folder}/package.json`)) as { name: string }).name;
    WORKSPACE_OF_PACKAGE[name] = folder;
  }
}

/** The source file an import lands on, for relative and workspace imports; undefined for the rest. */
function resolveImport(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith(".")) base = normalize(join(dirname(from), specifier));
  else {
    // "@edgeflow/schema" or a subpath of its package.json "exports" ("@edgeflow/schema/wire").
    const name = specifier.split("/").slice(0, 2).join("/");
    const folder = WORKSPACE_OF_PACKAGE[name];
    if (folder === undefined) return undefined;
    const subpath = `.${specifier.slice(name.length)}`;
    const exports = (JSON.parse(read(`${folder}/package.json`)) as { exports?: Record<string, string> })
      .exports;
    const target = exports?.[subpath];
    if (target === undefined) return undefined;
    base = normalize(join(folder, target)).replace(/\.tsx?$/, "");
  }
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (/\.tsx?$/.test(candidate) && existsSync(join(ROOT, candidate))) return candidate;
  }
  return undefined;
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const targets = importsOf(file)
      .map(({ specifier }) => resolveImport(file, specifier))
      .filter((target): target is string => target !== undefined);
    edges.set(file, targets);
  }
  return edges;
}

/** Each cycle once, as the path that closes it. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  return found;
}

/** Which workspaces each may import; anything else is an upward or sideways arrow. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  "packages/schema": [],
  "packages/core": ["packages/schema"],
  "packages/http": ["packages/schema"],
  "packages/adapters": ["packages/core", "packages/schema"],
  "packages/ui": ["packages/schema"],
  "packages/sdk": ["packages/schema"],
  "packages/onnx": [],
  "packages/cli": ["packages/sdk", "packages/core", "packages/onnx"],
  "workers/tracking": ["packages/schema", "packages/core", "packages/http", "packages/adapters"],
  "workers/inference": ["packages/schema", "packages/core", "packages/http", "packages/adapters"],
};

describe("imports", () => {
  it("form no cycle", () => {
    expect(cycles(graph()).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("only point down the layers", () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph()) {
      const from = workspaceOf(file);
      for (const target of targets) {
        const to = workspaceOf(target);
        if (to !== from && !(MAY_IMPORT[from] ?? []).includes(to)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keep the SDK to schema's table-free entry points (a browser bundle gets no drizzle tables)", () => {
    const wrong = [...graph()]
      .filter(([file]) => workspaceOf(file) === "packages/sdk")
      .flatMap(([file, targets]) =>
        targets
          .filter((target) => workspaceOf(target) === "packages/schema")
          .filter((target) => !/^packages\/schema\/src\/(wire|endpoints)\/index\.ts$/.test(target))
          .map((target) => `${file} → ${target}`),
      );
    expect(wrong).toEqual([]);
    const sdkEdges = [...graph()]
      .filter(([file]) => workspaceOf(file) === "packages/sdk")
      .flatMap(([, t]) => t);
    expect(sdkEdges.some((target) => target.startsWith("packages/schema/"))).toBe(true);
  });

  it("are all understood (the resolver is not silently skipping the tree)", () => {
    const edges = [...graph().values()].flat();
    expect(edges.length).toBeGreaterThan(300);
  });
});
