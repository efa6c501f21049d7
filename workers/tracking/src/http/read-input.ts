import { readBodyText } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";

/** MLflow's request bodies are small JSON documents; 1 MB is its own log-batch ceiling. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

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

function readText(request: Request, maxBytes: number): Promise<string> {
  return readBodyText(request, maxBytes, (size) => tooLarge(maxBytes, size));
}

function tooLarge(limit: number, size: number): MlflowError {
  return MlflowError.invalidParameter(
    `Request body must be at most ${limit} bytes, got a request of size ${size}.`,
  );
}

/**
 * A POST body: JSON only (MLflow's defence against cross-site text/plain posts), at most
 * `maxBytes`, an empty body meaning `{}`, and double-encoded JSON strings (old clients) unwrapped.
 */
export async function readJsonBody(request: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const contentType = request.headers.get("Content-Type");
  if (contentType === null) {
    throw MlflowError.invalidParameter("Bad Request. Content-Type header is missing.");
  }
  if (contentType.split(";")[0]?.trim().toLowerCase() !== "application/json") {
    throw MlflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
  const text = await readText(request, maxBytes);
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === "string") parsed = JSON.parse(parsed);
  } catch {
    throw MlflowError.invalidParameter("Malformed request body: it is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter("Malformed request body: expected a JSON object.");
  }
  return parsed;
}
