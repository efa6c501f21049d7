import { anthropicProvider } from "./anthropic";
import { cloudflareProvider } from "./cloudflare";
import { edgeflowProvider } from "./edgeflow";
import { openaiProvider } from "./openai";
import type { Provider } from "./provider";

export * from "./provider";

/**
 * The providers a model definition may name: one row each, its wire mapping in its own file.
 * OpenAI-compatible servers (vLLM, Ollama, LM Studio, Together...) are `openai` with an `api_base`.
 */
export const PROVIDERS: Readonly<Record<string, Provider>> = Object.freeze({
  openai: openaiProvider,
  anthropic: anthropicProvider,
  cloudflare: cloudflareProvider,
  edgeflow: edgeflowProvider,
});
