import { badRequest } from "@edgeflow/core";

/**
 * Audio inputs of speech models, as MLflow's transformers flavor takes them: a binary column whose
 * JSON form is base64 of an audio file's bytes. MLflow hands those bytes to ffmpeg; workerd has no
 * ffmpeg (nor AudioContext), so WAV is read here: PCM 8/16/24/32-bit and 32/64-bit float, any
 * channel count (averaged to mono), any rate (resampled to the feature extractor's). A RIFF reader
 * is a few dozen lines; a WAV library would add a dependency for the same.
 */

/** One base64 cell → mono samples at `rate` Hz. Anything that is not a readable WAV is a 400. */
export function decodeAudioInput(value: string, rate: number, row: number): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(value.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw badRequest(`Input row ${row} is not valid base64: audio inputs are base64 of the file's bytes.`);
  }
  const wav = readWav(bytes);
  if (typeof wav === "string") {
    throw badRequest(`Input row ${row} is not a readable WAV file (${wav}); send base64 of a WAV file.`);
  }
  return resample(wav.samples, wav.rate, rate);
}

interface Wav {
  rate: number;
  samples: Float32Array;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** The mono samples of a RIFF/WAVE file, or why it cannot be read. */
export function readWav(bytes: Uint8Array): Wav | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return "no RIFF/WAVE header";
  let format: { code: number; channels: number; rate: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  // Chunks: a four-letter id, a little-endian size, the body padded to an even length.
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
    if (id === "fmt " && body.length >= 16) {
      const fmt = new DataView(body.buffer, body.byteOffset, body.byteLength);
      let code = fmt.getUint16(0, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the sub-format GUID's first two bytes.
      if (code === EXTENSIBLE && body.length >= 26) code = fmt.getUint16(24, true);
      format = {
        code,
        channels: fmt.getUint16(2, true),
        rate: fmt.getUint32(4, true),
        bits: fmt.getUint16(14, true),
      };
    } else if (id === "data") {
      data = body;
    }
    at += 8 + size + (size % 2);
  }
  if (!format) return "no fmt chunk";
  if (!data) return "no data chunk";
  const { code, channels, rate, bits } = format;
  const read = sampleReader(code, bits);
  if (!read) return `unsupported sample format ${code} with ${bits} bits`;
  if (channels < 1 || rate < 1) return "no channels or no sample rate";
  const width = bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(dataView, (i * channels + c) * width);
    samples[i] = sum / channels;
  }
  return { rate, samples };
}

type Reader = (view: DataView, at: number) => number;

/** Samples as ffmpeg converts them to float: integers over 2^(bits-1), 8-bit unsigned around 128. */
function sampleReader(code: number, bits: number): Reader | undefined {
  if (code === FLOAT && bits === 32) return (v, at) => v.getFloat32(at, true);
  if (code === FLOAT && bits === 64) return (v, at) => v.getFloat64(at, true);
  if (code !== PCM) return undefined;
  switch (bits) {
    case 8:
      return (v, at) => (v.getUint8(at) - 128) / 128;
    case 16:
      return (v, at) => v.getInt16(at, true) / 32768;
    case 24:
      return (v, at) => (v.getUint16(at, true) | (v.getInt8(at + 2) << 16)) / 8388608;
    case 32:
      return (v, at) => v.getInt32(at, true) / 2147483648;
    default:
      return undefined;
  }
}

/** Zero crossings of the windowed sinc on each side: a clean low-pass at a modest cost per sample. */
const ZEROS = 16;
/** Rates whose ratio reduces to at most this many phases get precomputed kernels (44.1k → 16k: 160). */
const MAX_PHASES = 4096;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Band-limited resampling (a Hann-windowed sinc, cut off at the lower rate's Nyquist frequency, so
 * downsampling does not alias), as a speech model's feature extractor expects its rate. Output i
 * sits at input position i·from/to; with to/from = up/down in lowest terms its fractional part takes
 * only `up` values, so each phase's kernel is computed once and the loop is multiply-adds (30 s of
 * 48 kHz audio: tens of milliseconds rather than seconds of sin/cos).
 */
export function resample(input: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return input;
  const divisor = gcd(from, to);
  const up = to / divisor;
  const down = from / divisor;
  const cutoff = Math.min(1, to / from);
  const half = ZEROS / cutoff;
  const out = new Float32Array(Math.ceil((input.length * up) / down));
  const kernels = new Map<number, { start: number; weights: Float64Array }>();
  const kernelAt = (frac: number) => {
    const start = Math.ceil(frac - half);
    const weights = new Float64Array(Math.floor(frac + half) - start + 1);
    for (let k = 0; k < weights.length; k++) {
      const x = start + k - frac;
      const arg = Math.PI * cutoff * x;
      const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / half);
      weights[k] = cutoff * (arg === 0 ? 1 : Math.sin(arg) / arg) * window;
    }
    return { start, weights };
  };
  for (let i = 0; i < out.length; i++) {
    const position = i * down;
    const base = Math.floor(position / up);
    const phase = position - base * up;
    let kernel = up <= MAX_PHASES ? kernels.get(phase) : undefined;
    if (!kernel) {
      kernel = kernelAt(phase / up);
      if (up <= MAX_PHASES) kernels.set(phase, kernel);
    }
    const { start, weights } = kernel;
    const first = Math.max(0, -(base + start));
    const last = Math.min(weights.length, input.length - (base + start));
    let sum = 0;
    for (let k = first; k < last; k++) sum += (input[base + start + k] as number) * (weights[k] as number);
    out[i] = sum;
  }
  return out;
}
