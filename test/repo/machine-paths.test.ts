import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, trackedFiles } from "./source-tree";

/**
 * No absolute path of a development machine in the tree: a literal path under one of these roots
 * (at the start of a line, after a space, quote, backtick, `(`, `=` or `:`, or as a `file://` URI)
 * works on one machine only. Code that needs a scratch folder asks `os.tmpdir()`, which is not a
 * literal and is not matched. Binary files and test fixtures (`test/**\/fixtures/**`) are skipped.
 */
const ROOTS = ["work", "tmp", "home", "root", "Users"];
const MACHINE_PATH = new RegExp(
  String.raw`(^|[\s"'\x60(=:]|file://)(/(?:${ROOTS.join("|")})(?:/[^\s"'\x60)]*|(?=[\s;&|"'\x60)]|$)))`,
  "gm",
);

/**
 * Literal paths that are data, not locations on this machine; each names its file and the path it
 * allows (without its leading slash, as a prefix), and says why. Anything else fails.
 */
const ALLOWED: { file: string; path: string; reason: string }[] = [
  {
    file: "packages/core/src/search/run-query.test.ts",
    path: "tmp/RQ3",
    reason: "a sample artifact_uri (file URI) in the search fixture rows; nothing reads it",
  },
  {
    file: "test/artifacts/runs.test.ts",
    path: "home/user/big.bin",
    reason: "the client-side file path a multipart upload body carries; the server never opens it",
  },
  {
    file: "test/artifacts/traversal.test.ts",
    path: "tmp/f.bin",
    reason: "a multipart body path in the path-traversal test, sent to be refused",
  },
  {
    file: "test/tracking/experiments.test.ts",
    path: "tmp/x",
    reason: "an absolute artifact location experiments/create must refuse",
  },
];

const FIXTURES = /^test\/(?:.+\/)?fixtures\//;

function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

interface Hit {
  file: string;
  line: number;
  path: string;
}

function machinePaths(): Hit[] {
  const hits: Hit[] = [];
  for (const file of trackedFiles()) {
    if (FIXTURES.test(file)) continue;
    const bytes = readFileSync(join(ROOT, file));
    if (isBinary(bytes)) continue;
    const text = bytes.toString("utf8");
    for (const match of text.matchAll(MACHINE_PATH)) {
      const path = match[2] as string;
      const start = (match.index ?? 0) + (match[1] as string).length;
      hits.push({ file, line: text.slice(0, start).split("\n").length, path });
    }
  }
  return hits;
}

const allows = (hit: Hit) => (entry: (typeof ALLOWED)[number]) =>
  entry.file === hit.file && hit.path.slice(1).startsWith(entry.path);

describe("absolute machine paths", () => {
  const hits = machinePaths();

  it("appear in no tracked file", () => {
    const wrong = hits.filter((hit) => !ALLOWED.some(allows(hit)));
    expect(wrong.map(({ file, line, path }) => `${file}:${line}: ${path}`)).toEqual([]);
  });

  it("are allowed only where the allow-list still matches something", () => {
    const stale = ALLOWED.filter((entry) => !hits.some((hit) => allows(hit)(entry)));
    expect(stale.map(({ file, path }) => `${file}: ${path}`)).toEqual([]);
  });

  it("are looked for in the whole tree (the lister is not silently empty)", () => {
    expect(trackedFiles().length).toBeGreaterThan(300);
  });
});
