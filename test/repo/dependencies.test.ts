import { describe, expect, it } from "vitest";
import { importsOf, read, sourceFiles, workspaceOf } from "./source-tree";

/**
 * Each workspace's package.json declares exactly the packages its sources import (workspace
 * siblings included), so the manifests show what depends on what and nothing rides on hoisting.
 */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith(".") || /^[a-z]+:/.test(specifier)) return undefined; // relative, node:, cloudflare:
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function importedByWorkspace(): Map<string, Set<string>> {
  const imported = new Map<string, Set<string>>();
  for (const file of sourceFiles()) {
    const workspace = workspaceOf(file);
    const names = imported.get(workspace) ?? new Set<string>();
    for (const { specifier } of importsOf(file)) {
      const name = packageName(specifier);
      if (name !== undefined) names.add(name);
    }
    imported.set(workspace, names);
  }
  return imported;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

describe("workspace manifests", () => {
  for (const [workspace, names] of importedByWorkspace()) {
    it(`${workspace} declares what it imports, and only that`, () => {
      const manifest = JSON.parse(read(`${workspace}/package.json`)) as Manifest;
      const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).sort();
      const imported = [...names].filter((name) => name !== manifest.name).sort();
      expect(declared).toEqual(imported);
    });
  }
});
