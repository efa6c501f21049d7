/**
 * The inference worker's WAV reader and resampler (workers/inference/src/flavors/audio.ts) against
 * files written by the fixtures' independent writer (test/fixtures/seq2seq/wav.ts), inside workerd.
 */
import { describe, expect, it } from "vitest";
import { decodeAudioInput, readWav, resample } from "../../workers/inference/src/flavors/audio";
import { base64, signal, type WavFormat, wavFile } from "../fixtures/seq2seq/wav";

const FORMATS: WavFormat[] = [
  { kind: "int", bits: 8 },
  { kind: "int", bits: 16 },
  { kind: "int", bits: 24 },
  { kind: "int", bits: 32 },
  { kind: "float", bits: 32 },
];

const sine = (hz: number, rate: number, seconds: number) =>
  Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate),
  );

const maxError = (a: Float32Array, b: Float32Array, from: number, to: number) => {
  let worst = 0;
  for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
};

describe("WAV reading", () => {
  it.each(
    FORMATS.flatMap((format) => [1, 2].map((channels) => [format, channels] as const)),
  )("%o with %i channel(s) decodes to the writer's samples exactly", (format, channels) => {
    const tracks = Array.from({ length: channels }, (_, c) => signal(0.1, 16000, 7 + c));
    const { bytes, samples } = wavFile(tracks, 16000, format);
    const wav = readWav(bytes);
    expect(typeof wav).toBe("object");
    if (typeof wav === "string") return;
    expect(wav.rate).toBe(16000);
    expect(Array.from(wav.samples)).toEqual(Array.from(samples));
  });

  it("skips other chunks (odd sizes padded) and reads WAVE_FORMAT_EXTENSIBLE", () => {
    const { bytes, samples } = wavFile([signal(0.05, 16000, 3)], 16000, { kind: "int", bits: 16 });
    // fmt becomes extensible (40 bytes: sub-format GUID starting with PCM's 1), and a 3-byte LIST
    // chunk (plus its pad byte) sits before data.
    const fmt = new Uint8Array(48);
    const view = new DataView(fmt.buffer);
    fmt.set(new TextEncoder().encode("fmt "), 0);
    view.setUint32(4, 40, true);
    fmt.set(bytes.subarray(20, 36), 8);
    view.setUint16(8, 0xfffe, true);
    view.setUint16(24, 22, true);
    view.setUint16(32, 1, true);
    const list = new Uint8Array([..."LIST"].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]));
    const file = new Uint8Array([...bytes.subarray(0, 12), ...fmt, ...list, ...bytes.subarray(36)]);
    const wav = readWav(file);
    expect(typeof wav === "string" ? wav : Array.from(wav.samples)).toEqual(Array.from(samples));
  });

  it("says why a file cannot be read", () => {
    expect(readWav(new TextEncoder().encode("not a wav at all"))).toBe("no RIFF/WAVE header");
    const { bytes } = wavFile([signal(0.01, 8000, 1)], 8000, { kind: "int", bits: 16 });
    expect(readWav(bytes.subarray(0, 36))).toBe("no data chunk");
    const adpcm = bytes.slice();
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(readWav(adpcm)).toBe("unsupported sample format 2 with 16 bits");
  });
});

describe("resampling to the model's rate", () => {
  it("upsamples 8 kHz to 16 kHz: a 440 Hz tone stays the tone", () => {
    const out = resample(sine(440, 8000, 0.5), 8000, 16000);
    expect(out.length).toBe(8000);
    expect(maxError(out, sine(440, 16000, 0.5), 400, 7600)).toBeLessThan(0.01);
  });

  it("downsamples 48 kHz to 16 kHz without aliasing: a 12 kHz tone above the new Nyquist is removed", () => {
    const mixed = sine(440, 48000, 0.5).map((x, i) => x + 0.5 * Math.sin((2 * Math.PI * 12000 * i) / 48000));
    const out = resample(mixed, 48000, 16000);
    expect(out.length).toBe(8000);
    expect(maxError(out, sine(440, 16000, 0.5), 400, 7600)).toBeLessThan(0.02);
  });

  it("resamples a rate without a small ratio to 16 kHz (kernels computed per sample)", () => {
    const out = resample(sine(440, 44101, 0.2), 44101, 16000);
    expect(out.length).toBe(3200);
    expect(maxError(out, sine(440, 16000, 0.2), 200, 3000)).toBeLessThan(0.02);
  });

  it("decodes a base64 8-bit 8 kHz stereo file to 16 kHz mono", () => {
    const tone = sine(440, 8000, 0.25);
    const { bytes } = wavFile([tone, tone], 8000, { kind: "int", bits: 8 });
    const out = decodeAudioInput(base64(bytes), 16000, 0);
    expect(out.length).toBe(4000);
    // 8-bit quantisation (1/128) bounds the error.
    expect(maxError(out, sine(440, 16000, 0.25), 200, 3800)).toBeLessThan(0.02);
  });
});
