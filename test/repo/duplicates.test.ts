import { describe, expect, it } from "vitest";
import { read, sourceFiles, workspaceOf } from "./source-tree";

/**
 * No logic copied between the two workers, or from a package into a worker: any run of WINDOW
 * meaningful lines (imports, blank lines and lone brackets left out, spacing ignored) that stands
 * in two of those places fails, naming both. Route rows are alike in shape but not in text.
 */
const WINDOW = 6;

function meaningfulLines(file: string): { text: string; line: number }[] {
  return read(file)
    .split("\n")
    .map((text, index) => ({ text: text.trim().replace(/\s+/g, " "), line: index + 1 }))
    .filter(
      ({ text }) =>
        text !== "" && !/^[\])};,]*$/.test(text) && !/^(import|export \{|\/\/|\*|\/\*\*)/.test(text),
    );
}

function runsOf(file: string): Map<string, number> {
  const lines = meaningfulLines(file);
  const runs = new Map<string, number>();
  for (let i = 0; i + WINDOW <= lines.length; i++) {
    const key = lines
      .slice(i, i + WINDOW)
      .map((l) => l.text)
      .join("\n");
    if (!runs.has(key)) runs.set(key, (lines[i] as { line: number }).line);
  }
  return runs;
}

describe("copied code", () => {
  it("is not shared between the workers, nor between a worker and a package", () => {
    const files = sourceFiles().filter((file) => !file.startsWith("packages/ui/"));
    const seen = new Map<string, string>();
    const shared: string[] = [];
    for (const file of files) {
      for (const [run, line] of runsOf(file)) {
        const where = `${file}:${line}`;
        const first = seen.get(run);
        if (first === undefined) {
          seen.set(run, where);
          continue;
        }
        const [a, b] = [workspaceOf(first), workspaceOf(file)];
        const acrossWorkers = a !== b && (a.startsWith("workers/") || b.startsWith("workers/"));
        if (acrossWorkers) shared.push(`${first} ~ ${where}`);
      }
    }
    expect(shared).toEqual([]);
  });
});
