/**
 * SQLite REAL columns (and D1's JSON parameter path) cannot hold NaN or +-Infinity. As MLflow's
 * SQL store does, NaN is stored as 0 with is_nan set and +-Infinity as +-Number.MAX_VALUE, which
 * keeps them ordered correctly in searches; reads map them back so they round-trip exactly.
 * (A genuinely logged +-Number.MAX_VALUE therefore reads back as +-Infinity.)
 */
export function encodeMetricValue(value: number): { value: number; isNan: boolean } {
  if (Number.isNaN(value)) return { value: 0, isNan: true };
  if (value === Number.POSITIVE_INFINITY) return { value: Number.MAX_VALUE, isNan: false };
  if (value === Number.NEGATIVE_INFINITY) return { value: -Number.MAX_VALUE, isNan: false };
  return { value, isNan: false };
}

export function decodeMetricValue(value: number, isNan: boolean): number {
  if (isNan) return Number.NaN;
  if (value === Number.MAX_VALUE) return Number.POSITIVE_INFINITY;
  if (value === -Number.MAX_VALUE) return Number.NEGATIVE_INFINITY;
  return value;
}
