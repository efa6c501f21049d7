import { MlflowError, SHADOW_TAG_PREFIX, TRAFFIC_TAG_PREFIX } from "@edgeflow/schema";

/**
 * Champion/challenger routing, configured as registered-model tags so the official MLflow client
 * (`set_registered_model_tag`) and the web UI can set them:
 *
 *   edgeflow.traffic.<alias> = {"3": 90, "4": 10}   requests to <name>@<alias> split by weight
 *   edgeflow.shadow.<alias>  = 5                    each request also runs on version 5, unanswered
 *
 * Versions may be written "3" or "v3" (the issue's and most write-ups' spelling). The alias itself
 * keeps pointing at one version for MLflow's own clients (`get_model_version_by_alias`); the split
 * only decides which version answers a request sent to the alias's URL.
 */
export { SHADOW_TAG_PREFIX, TRAFFIC_TAG_PREFIX };

export interface TrafficShare {
  version: number;
  weight: number;
}

/** Where requests to one alias go. */
export interface AliasRoute {
  /** The version the alias points at. */
  version: number;
  /** Weighted versions that answer instead, when a traffic tag is set. */
  split: TrafficShare[] | null;
  /** The version that receives a copy of each request, when a shadow tag is set. */
  shadow: number | null;
}

const MAX_SHARES = 10;

function versionOf(text: string, tag: string): number {
  const match = /^v?([1-9]\d{0,14})$/.exec(text.trim());
  if (!match) {
    throw MlflowError.invalidParameter(
      `Tag '${tag}' names '${text}', which is not a version number (write "3" or "v3").`,
    );
  }
  return Number(match[1]);
}

/** A traffic tag's value, checked: {"<version>": <weight>, ...}, weights positive, at most 10 versions. */
export function parseTrafficTag(tag: string, value: string | null): TrafficShare[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? "");
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter(
      `Tag '${tag}' must be a JSON object of version → weight, e.g. {"3": 90, "4": 10}; got ${JSON.stringify(value)}.`,
    );
  }
  const shares = Object.entries(parsed as Record<string, unknown>).map(([key, weight]) => {
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0 || weight > 1e6) {
      throw MlflowError.invalidParameter(
        `Tag '${tag}': the weight of version '${key}' must be a number from 0 to 1000000; got ${JSON.stringify(weight)}.`,
      );
    }
    return { version: versionOf(key, tag), weight };
  });
  if (shares.length === 0 || shares.length > MAX_SHARES) {
    throw MlflowError.invalidParameter(`Tag '${tag}' must name between 1 and ${MAX_SHARES} versions.`);
  }
  if (new Set(shares.map((s) => s.version)).size !== shares.length) {
    throw MlflowError.invalidParameter(`Tag '${tag}' names a version twice.`);
  }
  if (!shares.some((s) => s.weight > 0)) {
    throw MlflowError.invalidParameter(`Tag '${tag}' gives every version a weight of 0.`);
  }
  return shares.sort((a, b) => a.version - b.version);
}

export function parseShadowTag(tag: string, value: string | null): number {
  return versionOf(value ?? "", tag);
}

/**
 * 32-bit FNV-1a with murmur3's finaliser: tiny and stable across isolates and releases (Math.random
 * is neither). The finaliser matters: FNV alone barely moves the high bits for ids that differ in
 * their last characters ("req-1", "req-2"), and the high bits pick the share.
 */
export function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * The item that answers one request: its id hashed (salted, e.g. with the alias, so two routings
 * split independently) onto the items' weights. The same request id always lands on the same
 * item. A negative weight counts as none; with no positive weight at all the first item answers.
 */
export function pickWeighted<T extends { weight: number }>(
  items: readonly T[],
  requestId: string,
  salt: string,
): T {
  const total = items.reduce((sum, item) => sum + Math.max(0, item.weight), 0);
  if (total <= 0) return items[0] as T;
  let point = (hashOf(`${salt}\n${requestId}`) / 0x1_0000_0000) * total;
  for (const item of items) {
    const weight = Math.max(0, item.weight);
    if (point < weight) return item;
    point -= weight;
  }
  return items.findLast((item) => item.weight > 0) as T;
}

/** The version that answers one request to a split alias (pickWeighted, salted with the alias). */
export function pickVersion(split: readonly TrafficShare[], requestId: string, salt: string): number {
  return pickWeighted(split, requestId, salt).version;
}
