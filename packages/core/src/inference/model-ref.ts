import { badRequest } from "./errors";

/** A model version named in a URL or an OpenAI "model" field: by number or by alias. */
export type ModelRef = { name: string; version: number } | { name: string; alias: string };

export function describeRef(ref: ModelRef): string {
  return "alias" in ref ? `${ref.name}@${ref.alias}` : `${ref.name}/${ref.version}`;
}

/**
 * "<name>/<version>" or "<name>@<alias>" (the path between /models/ and the endpoint, decoded
 * once). Names may hold "/" and "@": the version is the last segment, the alias what follows the
 * last "@".
 */
export function parseModelRef(raw: string): ModelRef {
  const byVersion = /^(.+)\/(\d{1,15})$/.exec(raw);
  if (byVersion) return { name: byVersion[1] as string, version: Number(byVersion[2]) };
  const at = raw.lastIndexOf("@");
  if (at > 0 && at < raw.length - 1) {
    const alias = raw.slice(at + 1);
    if (/^[\w-]+$/.test(alias)) return { name: raw.slice(0, at), alias };
  }
  throw badRequest(`'${raw}' does not name a model version: use '<name>/<version>' or '<name>@<alias>'.`);
}
