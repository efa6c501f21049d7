import { MlflowError } from "@edgeflow/sdk";
import type { CommandContext } from "./context";
import { invocationsUrl } from "./model-ref";

export interface Registered {
  name: string;
  version: string;
  alias?: string;
  /** The version's invocations URL (by alias when one was set). */
  url: string;
}

/** Registers `source` as a new version of `name` (creating the model), then points `alias` at it. */
export async function registerVersion(
  ctx: CommandContext,
  options: { source: string; name: string; runId?: string; alias?: string; modelId?: string },
): Promise<Registered> {
  const { name, alias } = options;
  await ctx.client.createRegisteredModel({ name }).catch((error: unknown) => {
    if (!(error instanceof MlflowError && error.errorCode === "RESOURCE_ALREADY_EXISTS")) throw error;
  });
  const { model_version } = await ctx.client.createModelVersion({
    name,
    source: options.source,
    ...(options.runId ? { run_id: options.runId } : {}),
    ...(options.modelId ? { model_id: options.modelId } : {}),
  });
  const version = model_version?.version ?? "";
  if (alias) await ctx.client.setRegisteredModelAlias({ name, alias, version });
  const url = invocationsUrl(await ctx.inferenceUri(), alias ? { name, alias } : { name, version });
  return { name, version, ...(alias ? { alias } : {}), url };
}

export function registeredText(registered: Registered): string {
  const alias = registered.alias ? ` as @${registered.alias}` : "";
  return `registered ${registered.name} version ${registered.version}${alias}\n${registered.url}`;
}
