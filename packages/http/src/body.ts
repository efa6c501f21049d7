/**
 * A request body as text, refusing more than `maxBytes` — by its declared Content-Length before
 * reading, and by counting while reading, so a lying or chunked body cannot exceed the limit.
 * `tooLarge` builds each worker's own error (MLflow's API and the scoring protocol differ).
 */
export async function readBodyText(
  request: Request,
  maxBytes: number,
  tooLarge: (size: number) => Error,
): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, maxBytes, tooLarge));
}

/** The same limits for a binary body (OTLP protobuf), as bytes. */
export async function readBodyBytes(
  request: Request,
  maxBytes: number,
  tooLarge: (size: number) => Error,
): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > maxBytes) throw tooLarge(declared);
  if (!request.body) return new Uint8Array(0);
  return readStreamBytes(request.body, maxBytes, tooLarge);
}

/** A byte stream's bytes, refusing more than `maxBytes` as they arrive (a decompressed body). */
export async function readStreamBytes(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: (size: number) => Error,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(size);
    }
    chunks.push(value);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/**
 * GET parameters as MLflow reads them: repeated keys become lists and `key[]` / `key[0]` (the
 * querystring-parser spellings) name the same list.
 */
export function readQuery(url: URL): Record<string, unknown> {
  const out: Record<string, string | string[]> = {};
  for (const [rawKey, value] of url.searchParams) {
    const key = rawKey.replace(/\[\d*\]$/, "");
    const current = out[key];
    if (current === undefined) out[key] = rawKey === key ? value : [value];
    else out[key] = Array.isArray(current) ? [...current, value] : [current, value];
  }
  return out;
}
