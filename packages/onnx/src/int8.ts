/**
 * Symmetric int8 quantisation of weights, as onnxruntime's quantize_dynamic does for QInt8 weights:
 * the range is [-max|w|, max|w|] mapped onto [-127, 127], zero point 0, values rounded half to even
 * (numpy's rint), so a weight and its negation stay exact negatives of each other.
 */
export interface Int8Weights {
  values: Int8Array;
  /** One scale per tensor, or one per channel of `axis`. */
  scales: Float32Array;
}

const QMAX = 127;

function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function scaleFor(absMax: number): number {
  // float32 like onnxruntime's; a tensor of zeros gets scale 1 so dequantising gives zeros back.
  return absMax === 0 ? 1 : Math.fround((2 * absMax) / (2 * QMAX));
}

function quantizeInto(out: Int8Array, index: number, value: number, scale: number): void {
  out[index] = Math.max(-QMAX, Math.min(QMAX, roundHalfToEven(value / scale)));
}

/** Whole tensor, one scale. */
export function quantizePerTensor(weights: Float32Array): Int8Weights {
  let absMax = 0;
  for (const w of weights) absMax = Math.max(absMax, Math.abs(w));
  const scale = scaleFor(absMax);
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) quantizeInto(values, i, weights[i] as number, scale);
  return { values, scales: Float32Array.of(scale) };
}

/** A [rows, cols] matrix with one scale per column (a MatMul weight's output channel). */
export function quantizePerColumn(weights: Float32Array, rows: number, cols: number): Int8Weights {
  const absMax = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      absMax[c] = Math.max(absMax[c] as number, Math.abs(weights[r * cols + c] as number));
  }
  const scales = Float32Array.from(absMax, scaleFor);
  const values = new Int8Array(weights.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      quantizeInto(values, r * cols + c, weights[r * cols + c] as number, scales[c] as number);
  }
  return { values, scales };
}

/** A [rows, cols] matrix with one scale per row (an embedding table's token). */
export function quantizePerRow(weights: Float32Array, rows: number, cols: number): Int8Weights {
  const scales = new Float32Array(rows);
  const values = new Int8Array(weights.length);
  for (let r = 0; r < rows; r++) {
    let absMax = 0;
    for (let c = 0; c < cols; c++) absMax = Math.max(absMax, Math.abs(weights[r * cols + c] as number));
    const scale = scaleFor(absMax);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) quantizeInto(values, r * cols + c, weights[r * cols + c] as number, scale);
  }
  return { values, scales };
}
