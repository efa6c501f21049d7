import { invalid, snippet } from "./errors";

/**
 * MLflow's page token: base64 of the JSON `{"offset": N}` (json.dumps spacing, so tokens are
 * byte-identical to MLflow's). Its format is opaque to clients.
 */

export function encodePageToken(offset: number): string {
  return btoa(`{"offset": ${offset}}`);
}

function base64Decode(token: string): string {
  let binary: string;
  try {
    binary = atob(token);
  } catch {
    throw invalid("Invalid page token, could not base64-decode");
  }
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalid(`Invalid page token, decoded value=${snippet(binary)}`);
  }
}

/** The offset a page token encodes; no token means the first page. */
export function decodePageToken(token?: string | null): number {
  if (!token) return 0;
  const decoded = base64Decode(token);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalid(`Invalid page token, decoded value=${snippet(decoded)}`);
  }
  const offset =
    typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>).offset
      : undefined;
  // Like MLflow, an absent or falsy offset (0, "", null) is invalid: no token ever carries one.
  if (!offset) throw invalid(`Invalid page token, parsed value=${snippet(decoded)}`);
  // MLflow applies int(), which accepts integers and integer strings.
  const number =
    typeof offset === "number"
      ? offset
      : typeof offset === "string" && /^\s*\+?\d+\s*$/.test(offset)
        ? Number(offset)
        : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 0) {
    throw invalid(`Invalid page token, not stringable ${snippet(String(offset))}`);
  }
  return number;
}
