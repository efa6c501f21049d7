import type { ByteRange } from "@edgeflow/core";

/**
 * A single `Range: bytes=...` header. Multi-range requests and other units are served whole, as
 * RFC 9110 allows; a malformed header is ignored the same way.
 */
export function parseRangeHeader(header: string | null): ByteRange | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const [, start, end] = match;
  if (start === "" && end === "") return undefined;
  if (start === "") return { suffix: Number(end) };
  if (end !== "" && Number(end) < Number(start)) return undefined;
  return end === "" ? { start: Number(start) } : { start: Number(start), end: Number(end) };
}
