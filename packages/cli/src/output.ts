/** Rows as an aligned text table (the CLI's output on a terminal without --json). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export const isoTime = (millis: number | undefined) =>
  millis === undefined ? "" : new Date(millis).toISOString().replace(/\.\d+Z$/, "Z");
