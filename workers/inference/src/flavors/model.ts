import type { ModelSpec, ScoringInput } from "@edgeflow/core";

/** Token counts for OpenAI-style usage. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Generation {
  text: string;
  finishReason: "stop" | "length";
  promptTokens: number;
  completionTokens: number;
}

export interface GenerateOptions {
  maxNewTokens: number;
  temperature: number;
  topP: number;
  stop: string[];
  /** Called with each new piece of text as it is decoded (streaming). */
  onText?: (text: string) => void;
}

/** A model version loaded and ready in this isolate. */
export interface LoadedModel {
  spec: ModelSpec;
  /** /invocations: MLflow's predictions for the parsed input and the signature-checked params. */
  predict(input: ScoringInput, params: Record<string, unknown>, maxBatch: number): Promise<unknown>;
  /** Text generation models: one completion of a prompt (llm/v1 completions and chat). */
  generate?(prompt: string, options: GenerateOptions): Promise<Generation>;
  /** Chat models: the prompt for a conversation (the tokenizer's chat template or the default). */
  chatPrompt?(messages: { role: string; content: string }[]): string;
  /** Feature-extraction models: one pooled vector per text, and the tokens read. */
  embed?(texts: string[]): Promise<{ vectors: number[][]; tokens: number }>;
  dispose(): void;
}
