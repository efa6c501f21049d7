import { UsageError } from "./args";

/** A registered model named by alias or version: `name@alias`, `name/3`, `models:/name@alias`, `models:/name/3`. */
export type ModelRef = { name: string; alias: string } | { name: string; version: string };

export function parseModelRef(raw: string): ModelRef {
  const ref = raw.startsWith("models:/") ? raw.slice("models:/".length) : raw;
  const byAlias = /^(.+)@([\w-]+)$/.exec(ref);
  if (byAlias) return { name: byAlias[1] as string, alias: byAlias[2] as string };
  const byVersion = /^(.+)\/(\d+)$/.exec(ref);
  if (byVersion) return { name: byVersion[1] as string, version: byVersion[2] as string };
  throw new UsageError(
    `'${raw}' names no model version: use name@alias, name/version or models:/name@alias.`,
  );
}

/** The model's scoring URL on the inference worker (docs/inference.md). */
export function invocationsUrl(inferenceUri: string, ref: ModelRef): string {
  const name = encodeURIComponent(ref.name);
  const base = inferenceUri.replace(/\/+$/, "");
  return "alias" in ref
    ? `${base}/models/${name}@${encodeURIComponent(ref.alias)}/invocations`
    : `${base}/models/${name}/${ref.version}/invocations`;
}
