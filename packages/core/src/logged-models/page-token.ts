import { MlflowError } from "@edgeflow/schema";

/**
 * search_logged_models' page token, in MLflow's shape: base64 of JSON naming the search it
 * belongs to (experiment ids, filter, order_by) and the offset. A token is refused for any other
 * search, so a page can never be read with another query's offset.
 */
export interface SearchIdentity {
  experiment_ids: string[];
  filter_string: string | null;
  order_by: Record<string, unknown>[] | null;
}

/** Python's json.dumps spacing, so tokens read like MLflow's. */
function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value ?? null);
}

function base64OfUtf8(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export function encodeSearchToken(identity: SearchIdentity, offset: number): string {
  return base64OfUtf8(pyJson({ ...identity, offset }));
}

const invalidToken = (why: string) => MlflowError.invalidParameter(`Invalid page token: ${why}`);

export function decodeSearchToken(token: string | undefined, identity: SearchIdentity): number {
  if (!token) return 0;
  let parsed: unknown;
  try {
    const bytes = Uint8Array.from(atob(token), (c) => c.charCodeAt(0));
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw invalidToken(`'${token.slice(0, 100)}' could not be decoded.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidToken(`'${token.slice(0, 100)}' is not a search_logged_models token.`);
  }
  const fields = parsed as Record<string, unknown>;
  const mismatch = (label: string, key: keyof SearchIdentity, found: unknown) =>
    MlflowError.invalidParameter(
      `${label} in the page token does not match the requested ${label.toLowerCase()}. Expected: ${pyJson(identity[key])}. Found: ${pyJson(found)}`,
    );
  if (pyJson(fields.experiment_ids ?? null) !== pyJson(identity.experiment_ids)) {
    throw mismatch("Experiment IDs", "experiment_ids", fields.experiment_ids);
  }
  if ((fields.filter_string || null) !== identity.filter_string) {
    throw mismatch("Filter string", "filter_string", fields.filter_string);
  }
  const orderBy = Array.isArray(fields.order_by) && fields.order_by.length > 0 ? fields.order_by : null;
  if (pyJson(orderBy) !== pyJson(identity.order_by)) throw mismatch("Order by", "order_by", fields.order_by);
  const offset = fields.offset ?? 0;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidToken(`offset ${pyJson(offset)} is not a non-negative integer.`);
  }
  return offset;
}
