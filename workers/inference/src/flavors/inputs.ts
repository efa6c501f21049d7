import { badRequest, recordsOf, type ScoringInput } from "@edgeflow/core";

/** The input's rows as records (column → value); tensor inputs become one column named "0". */
export function inputRecords(input: ScoringInput): Record<string, unknown>[] {
  if (input.format === "dataframe") return recordsOf(input);
  const value = input.value;
  if (Array.isArray(value)) {
    return value.map((item) =>
      item && typeof item === "object" && !Array.isArray(item)
        ? (item as Record<string, unknown>)
        : { 0: item },
    );
  }
  if (value && typeof value === "object") {
    const columns = Object.entries(value as Record<string, unknown>);
    const length = Math.max(...columns.map(([, column]) => (Array.isArray(column) ? column.length : 1)));
    return Array.from({ length }, (_, i) =>
      Object.fromEntries(columns.map(([key, column]) => [key, Array.isArray(column) ? column[i] : column])),
    );
  }
  return [{ 0: value }];
}

/** One string per row: the row's only (or first) column, as MLflow's transformers flavor reads it. */
export function inputTexts(records: Record<string, unknown>[]): string[] {
  return records.map((record, index) => {
    const value = Object.values(record)[0];
    if (typeof value !== "string") {
      throw badRequest(
        `Failed to enforce schema: input row ${index} must be a string, got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  });
}

export function checkBatch(size: number, maxBatch: number): void {
  if (size === 0) throw badRequest("The input holds no rows to predict.");
  if (size > maxBatch) {
    throw badRequest(`The input holds ${size} rows; this server predicts at most ${maxBatch} per request.`);
  }
}
