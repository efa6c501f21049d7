import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const ONNX = join(ROOT, "packages/onnx");

describe("generated code", () => {
  it("packages/onnx/src/gen is what buf generates from proto/onnx.proto (run npm run gen:onnx)", () => {
    const out = mkdtempSync(join(tmpdir(), "edgeflow-gen-"));
    try {
      const bin = join(ROOT, "node_modules/.bin");
      execFileSync(join(bin, "buf"), ["generate", "--output", out], {
        cwd: ONNX,
        env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
        stdio: "pipe",
      });
      const fresh = readFileSync(join(out, "src/gen/onnx_pb.ts"), "utf8");
      expect(fresh === readFileSync(join(ONNX, "src/gen/onnx_pb.ts"), "utf8")).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
