import { describe, expect, it } from "vitest";
import { importsOf, read, sourceFiles } from "./source-tree";

/**
 * packages/core is the rules and the queries: it takes ports (ArtifactStore, Database, a clock,
 * lookup memos) and knows nothing of HTTP, a bucket SDK, a router or the Workers runtime. Those
 * live in packages/http, packages/adapters and the workers.
 */
const FORBIDDEN_IMPORTS: { pattern: RegExp; why: string }[] = [
  { pattern: /^@aws-sdk\//, why: "a bucket SDK (the S3 store is in packages/adapters)" },
  { pattern: /^@xmldom\//, why: "a DOM shim for the S3 SDK (packages/adapters)" },
  { pattern: /^cloudflare:/, why: "the Workers runtime" },
  { pattern: /^drizzle-orm\/d1$/, why: "a D1 binding (core takes a Database)" },
  { pattern: /^itty-router$|^hono/, why: "a router (packages/http)" },
  { pattern: /^@edgeflow\/(http|adapters)$/, why: "a layer above core" },
];

/** HTTP made in code: Response objects, or fetch calls. */
const FORBIDDEN_CODE: { pattern: RegExp; why: string }[] = [
  { pattern: /\bnew Response\s*\(|\bResponse\.(json|redirect|error)\s*\(/, why: "builds an HTTP Response" },
  { pattern: /\bfetch\s*\(/, why: "makes an HTTP call" },
];

const coreFiles = sourceFiles().filter((file) => file.startsWith("packages/core/"));

describe("packages/core", () => {
  it("has sources to check", () => {
    expect(coreFiles.length).toBeGreaterThan(20);
  });

  it("imports no adapter, runtime or router", () => {
    const wrong = coreFiles.flatMap((file) =>
      importsOf(file).flatMap(({ specifier, line }) =>
        FORBIDDEN_IMPORTS.filter(({ pattern }) => pattern.test(specifier)).map(
          ({ why }) => `${file}:${line} imports ${specifier}: ${why}`,
        ),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it("constructs no Response and makes no HTTP call", () => {
    const wrong = coreFiles.flatMap((file) =>
      read(file)
        .split("\n")
        .flatMap((text, index) =>
          FORBIDDEN_CODE.filter(({ pattern }) => pattern.test(text) && !/^\s*(\/\/|\*)/.test(text)).map(
            ({ why }) => `${file}:${index + 1} ${why}`,
          ),
        ),
    );
    expect(wrong).toEqual([]);
  });
});
