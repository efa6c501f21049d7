import { OtlpFormatError } from "@edgeflow/core";
import { readBodyBytes, readStreamBytes } from "@edgeflow/http";

/**
 * An OTLP/HTTP body, decompressed as MLflow's decompress_otlp_body does (mlflow/tracing/utils/
 * otlp.py, 3.11): gzip, deflate (zlib, else raw deflate), anything else refused. The size limit
 * holds for the bytes received and again for the bytes decompressed, counted as they come out
 * of the stream, so a small compressed bomb stops at the limit instead of filling memory.
 */
export async function readOtlpBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (what: string) => (size: number) =>
    new OtlpFormatError(`${what} must be at most ${maxBytes} bytes, got at least ${size}.`, 413);
  const received = await readBodyBytes(request, maxBytes, tooLarge("Request body"));
  const encoding = request.headers.get("Content-Encoding")?.toLowerCase();
  if (!encoding) return received;
  const inflate = (format: Format) =>
    decompress(received, format, maxBytes, tooLarge("Decompressed request body"));
  switch (encoding) {
    case "gzip":
      return orRefuse(inflate("gzip"), "Failed to decompress gzip payload");
    case "deflate":
      return orRefuse(
        inflate("deflate").catch((error) =>
          isTooLarge(error) ? Promise.reject(error) : inflate("deflate-raw"),
        ),
        "Failed to decompress deflate payload",
      );
    default:
      throw new OtlpFormatError(`Unsupported Content-Encoding: ${encoding}`);
  }
}

type Format = "gzip" | "deflate" | "deflate-raw";

const isTooLarge = (error: unknown) => error instanceof OtlpFormatError && error.status === 413;

async function orRefuse(result: Promise<Uint8Array>, message: string): Promise<Uint8Array> {
  try {
    return await result;
  } catch (error) {
    if (isTooLarge(error)) throw error;
    throw new OtlpFormatError(message);
  }
}

async function decompress(
  bytes: Uint8Array,
  format: Format,
  maxBytes: number,
  tooLarge: (size: number) => Error,
): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format));
  return readStreamBytes(stream, maxBytes, tooLarge);
}
