/**
 * Images for transformers.js inside workerd. MLflow's transformers flavor takes an image as a
 * base64 string of the encoded file's bytes (a row of `inputs`/`instances` or a dataframe
 * column). transformers.js decodes and resizes images with canvas/createImageBitmap in browsers
 * and sharp in Node; workerd has neither, so PNG (fast-png) and JPEG (jpeg-js) are decoded here in
 * plain JavaScript, and the pixel operations its image processors call (resize, center_crop) are
 * done here too. URLs and paths, which MLflow also accepts, are not fetched: base64 only.
 */
import { badRequest } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";
import { convertIndexedToRgb, decode as decodePng, hasPngSignature } from "fast-png";
import jpeg from "jpeg-js";
import { loadTransformers } from "../runtime/transformers";

type Transformers = Awaited<ReturnType<typeof loadTransformers>>;
type RawImage = InstanceType<Transformers["RawImage"]>;

/**
 * Larger images are refused before decoding: a small file can inflate to more than a Worker's
 * 128 MB (4 MP is 16 MB as RGBA, plus the decoder's own buffers).
 */
const MAX_MEGAPIXELS = 4;

interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

function bytesOf(text: string, row: number): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw badRequest(`Input row ${row} is not valid base64: send the image file's bytes base64-encoded.`);
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function checkSize(width: number, height: number, row: number): void {
  if (width * height > MAX_MEGAPIXELS * 1e6) {
    throw badRequest(
      `Input row ${row} is a ${width}x${height} image; at most ${MAX_MEGAPIXELS} MP is served.`,
    );
  }
}

function png(bytes: Uint8Array, row: number): Pixels {
  // IHDR (width, height) sits at a fixed offset: checked before inflating anything.
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24) checkSize(header.getUint32(16), header.getUint32(20), row);
  const image = decodePng(bytes);
  if (image.palette) {
    const data = convertIndexedToRgb(image);
    const channels = data.length / (image.width * image.height);
    return {
      data: new Uint8ClampedArray(data),
      width: image.width,
      height: image.height,
      channels: channels as 3,
    };
  }
  if (image.depth !== 8 && image.depth !== 16) {
    throw badRequest(`Input row ${row} is a ${image.depth}-bit PNG; 8- and 16-bit PNGs are served.`);
  }
  // 16-bit samples keep their high byte, as 8-bit decoders do.
  const data =
    image.depth === 16
      ? Uint8ClampedArray.from(image.data, (v) => v >> 8)
      : new Uint8ClampedArray(image.data);
  return { data, width: image.width, height: image.height, channels: image.channels as Pixels["channels"] };
}

function jpg(bytes: Uint8Array): Pixels {
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: MAX_MEGAPIXELS,
    maxMemoryUsageInMB: 64,
  });
  return { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height, channels: 3 };
}

const isJpeg = (bytes: Uint8Array) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/** One input row's image; a 400 for anything that is not a decodable PNG or JPEG. */
function decodeImage(text: string, row: number): Pixels {
  const bytes = bytesOf(text, row);
  const kind = hasPngSignature(bytes) ? "PNG" : isJpeg(bytes) ? "JPEG" : undefined;
  if (!kind) throw badRequest(`Input row ${row} is not a PNG or JPEG image (base64 of the file's bytes).`);
  try {
    return kind === "PNG" ? png(bytes, row) : jpg(bytes);
  } catch (error) {
    if (error instanceof MlflowError) throw error;
    throw badRequest(`Input row ${row} could not be decoded as a ${kind} image: ${(error as Error).message}`);
  }
}

/**
 * Bilinear resampling as transformers.js does it in Node (sharp's affine, bilinear interpolator):
 * output pixel x samples the source at x * (source width / width), from its pixel corners, and
 * neighbours past the right or bottom edge count as black; each channel rounds to a byte.
 */
function bilinear(source: Pixels, width: number, height: number): Uint8ClampedArray {
  const { data, channels } = source;
  const out = new Uint8ClampedArray(width * height * channels);
  const at = (y: number, x: number, c: number) =>
    y < source.height && x < source.width ? (data[(y * source.width + x) * channels + c] as number) : 0;
  for (let y = 0; y < height; y++) {
    const fy = (y * source.height) / height;
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = (x * source.width) / width;
      const x0 = Math.floor(fx);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const top = at(y0, x0, c) * (1 - wx) + at(y0, x0 + 1, c) * wx;
        const bottom = at(y0 + 1, x0, c) * (1 - wx) + at(y0 + 1, x0 + 1, c) * wx;
        out[(y * width + x) * channels + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

let portable: ((pixels: Pixels) => RawImage) | undefined;

/**
 * RawImage with the two pixel operations transformers.js's image processors call done in plain
 * JavaScript; everything else (which size, when to crop, rescale, normalise) stays the
 * processor's. Both follow what transformers.js does in Node, so answers match Node's.
 */
function portableImage(t: Transformers, pixels: Pixels): RawImage {
  if (!portable) {
    class PortableImage extends t.RawImage {
      override async resize(width: number, height: number): Promise<RawImage> {
        const w = Math.round(width);
        const h = Math.round(height);
        if (w === this.width && h === this.height) return this;
        return new PortableImage(bilinear(this as Pixels, w, h), w, h, this.channels);
      }

      /** The centred window, black where it runs past the image (as transformers.js pads). */
      override async center_crop(cropWidth: number, cropHeight: number): Promise<RawImage> {
        if (cropWidth === this.width && cropHeight === this.height) return this;
        // Offsets round towards zero: sharp's extract (crop) and extend (pad) in transformers.js.
        const left = Math.trunc((this.width - cropWidth) / 2);
        const top = Math.trunc((this.height - cropHeight) / 2);
        const out = new Uint8ClampedArray(cropWidth * cropHeight * this.channels);
        for (let y = 0; y < cropHeight; y++) {
          const sy = y + top;
          if (sy < 0 || sy >= this.height) continue;
          for (let x = 0; x < cropWidth; x++) {
            const sx = x + left;
            if (sx < 0 || sx >= this.width) continue;
            for (let c = 0; c < this.channels; c++) {
              out[(y * cropWidth + x) * this.channels + c] = this.data[
                (sy * this.width + sx) * this.channels + c
              ] as number;
            }
          }
        }
        return new PortableImage(out, cropWidth, cropHeight, this.channels);
      }
    }
    portable = ({ data, width, height, channels }) => new PortableImage(data, width, height, channels);
  }
  return portable(pixels);
}

/** The decoded images of a request's rows, ready for an image pipeline. */
export async function imagesOf(texts: string[]): Promise<RawImage[]> {
  const t = await loadTransformers();
  return texts.map((text, row) => portableImage(t, decodeImage(text, row)));
}
