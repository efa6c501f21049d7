import {
  badRequest,
  enforceColumns,
  isServedTask,
  type ModelSpec,
  type ScoringInput,
  type ServedTask,
} from "@edgeflow/core";
import {
  type FileSource,
  loadTransformers,
  registerModelFiles,
  unregisterModelFiles,
} from "../runtime/transformers";
import { decodeAudioInput } from "./audio";
import { imagesOf } from "./images";
import { checkBatch, inputRecords, inputTexts } from "./inputs";
import type { GenerateOptions, Generation, LoadedModel } from "./model";
import { classifyTexts } from "./text-classification";

// biome-ignore lint/suspicious/noExplicitAny: transformers.js pipelines are typed per task; this module dispatches on the task at run time.
type Pipe = any;
type Row = Record<string, unknown>;

/**
 * The tasks served (core's SERVED_TASKS names them), one row each: how MLflow's transformers pyfunc shapes inputs and outputs for
 * it (mlflow/transformers/__init__.py, 2.12.2), on top of the transformers.js pipeline (or, where its
 * wrapper costs more than the model, the pipeline's own tokenizer and model: text-classification).
 */
const TASKS: Readonly<Record<ServedTask, (pipe: Pipe, rows: Row[], params: Row) => Promise<unknown[]>>> =
  Object.freeze({
    "text-classification": (pipe, rows) => classifyTexts(pipe, inputTexts(rows)),
    "token-classification": async (pipe, rows) => {
      const out = (await pipe(inputTexts(rows))) as unknown[];
      const perText = (Array.isArray(out[0]) || out.length === 0 ? out : [out]) as {
        entity: string;
        score: number;
        index: number;
        word: string;
      }[][];
      return perText.map((entities) =>
        entities.map(({ entity, index, score, word }) => ({ entity, index, score, word })),
      );
    },
    "feature-extraction": async (pipe, rows, params) => {
      const tensor = await pipe(inputTexts(rows), {
        pooling: params.pooling ?? "mean",
        normalize: params.normalize ?? true,
      });
      return tensor.tolist() as number[][];
    },
    "fill-mask": async (pipe, rows) =>
      Promise.all(
        inputTexts(rows).map(async (text, row) => {
          // Checked here: the pipeline's own "mask token not found" would be a 500.
          const mask = pipe.tokenizer.mask_token as string;
          if (!text.includes(mask)) throw badRequest(`Input row ${row} has no ${mask} token to fill.`);
          return ((await pipe(text)) as { token_str: string }[])[0]?.token_str;
        }),
      ),
    "question-answering": async (pipe, rows) =>
      Promise.all(
        rows.map(async (row) => {
          if (typeof row.question !== "string" || typeof row.context !== "string") {
            throw badRequest("question-answering inputs need 'question' and 'context' strings.");
          }
          return ((await pipe(row.question, row.context)) as { answer: string }).answer;
        }),
      ),
    "zero-shot-classification": async (pipe, rows, params) =>
      Promise.all(
        rows.map(async (row) => {
          const labels = row.candidate_labels ?? params.candidate_labels;
          // A JSON list (MLflow's _parse_json_encoded_list) or, as transformers' _parse_labels,
          // comma-separated: transformers.js would take "a, b" as a single label.
          const parsed =
            typeof labels === "string" && labels.startsWith("[")
              ? jsonLabels(labels)
              : typeof labels === "string"
                ? labels
                    .split(",")
                    .map((label) => label.trim())
                    .filter(Boolean)
                : labels;
          if (typeof row.sequences !== "string" || !parsed) {
            throw badRequest("zero-shot-classification inputs need 'sequences' and 'candidate_labels'.");
          }
          const out = await pipe(row.sequences, parsed, { hypothesis_template: params.hypothesis_template });
          return { sequence: out.sequence, labels: out.labels, scores: out.scores };
        }),
      ),
    // MLflow returns pd.DataFrame of the pipeline's output (top 5 per image); Edgeflow returns each
    // image's top {label, score}, one per row as for text-classification.
    "image-classification": async (pipe, rows) => {
      const out = (await pipe(await imagesOf(inputTexts(rows)), { top_k: 1 })) as Row[][];
      return out.map(([top]) => ({ label: top?.label, score: top?.score }));
    },
    "text-generation": async (pipe, rows, params) =>
      Promise.all(
        inputTexts(rows).map(async (text) => {
          const out = (await pipe(text, generationOptions(params))) as { generated_text: string }[];
          return (out[0]?.generated_text ?? "").trim();
        }),
      ),
    "text2text-generation": (pipe, rows, params) => textToText(pipe, rows, params, "generated_text"),
    summarization: (pipe, rows, params) => textToText(pipe, rows, params, "summary_text"),
    translation: (pipe, rows, params) => textToText(pipe, rows, params, "translation_text"),
    // MLflow returns the transcription's text per input; each audio is decoded before any runs.
    "automatic-speech-recognition": async (pipe, rows, params) => {
      const rate = pipe.processor.feature_extractor.config.sampling_rate as number;
      const audios = inputTexts(rows).map((value, row) => decodeAudioInput(value, rate, row));
      const out: string[] = [];
      for (const audio of audios)
        out.push(((await pipe(audio, generationOptions(params))) as Row).text as string);
      return out;
    },
  });

export const SUPPORTED_TASKS = Object.keys(TASKS) as ServedTask[];

function jsonLabels(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`candidate_labels ${JSON.stringify(text)} is not a valid JSON list.`);
  }
}

/**
 * One text at a time, as MLflow's pipeline call runs them: transformers.js batches a list through
 * one generate() that keeps decoding rows already past their </s>, so a batch's answers would
 * depend on its neighbours.
 */
async function textToText(pipe: Pipe, rows: Row[], params: Row, key: string): Promise<unknown[]> {
  const out: string[] = [];
  for (const text of inputTexts(rows)) {
    const [item] = (await pipe(text, generationOptions(params))) as Row[];
    out.push(String(item?.[key] ?? "").trim());
  }
  return out;
}

function generationOptions(params: Row): Row {
  const options: Row = {};
  for (const key of [
    "max_new_tokens",
    "do_sample",
    "temperature",
    "top_k",
    "top_p",
    "repetition_penalty",
    "num_beams",
    "return_full_text",
  ]) {
    if (params[key] !== undefined) options[key] = params[key];
  }
  if (options.temperature !== undefined && !options.do_sample) delete options.temperature;
  return options;
}

/** The tasks MLflow applies a prompt template to (_SUPPORTED_PROMPT_TEMPLATING_TASK_TYPES). */
const TEMPLATED_TASKS = new Set([
  "feature-extraction",
  "fill-mask",
  "summarization",
  "text2text-generation",
  "text-generation",
]);

/** Python's str.format with the one field MLflow's templates have: {prompt}; {{ and }} are braces. */
function formatPrompt(template: string, prompt: string): string {
  return template.replace(/\{\{|\}\}|\{prompt\}/g, (match) =>
    match === "{{" ? "{" : match === "}}" ? "}" : prompt,
  );
}

function withPromptTemplate(template: string, rows: Row[]): Row[] {
  return rows.map((row) => {
    const [key, value] = Object.entries(row)[0] ?? [];
    if (key === undefined || typeof value !== "string" || Object.keys(row).length !== 1) {
      throw badRequest(
        `Prompt templating is only supported for data of type str or List[str]. Got ${JSON.stringify(row)} instead.`,
      );
    }
    return { [key]: formatPrompt(template, value) };
  });
}

let counter = 0;

/** A transformers_js model version: its pipeline built from the bucket's files. */
export async function loadTransformersJsModel(spec: ModelSpec, files: FileSource): Promise<LoadedModel> {
  const flavor = spec.flavor;
  if (flavor.kind !== "transformers_js") throw new Error("not a transformers_js model");
  const { task, dtype, promptTemplate, modelConfig } = flavor;
  const run = isServedTask(task) ? TASKS[task] : undefined;
  if (!run) {
    throw badRequest(
      `The transformers_js task '${task}' is not served; served tasks: ${SUPPORTED_TASKS.join(", ")}.`,
    );
  }
  const t = await loadTransformers();
  counter += 1;
  const id = registerModelFiles(`m${counter}`, files);
  let pipe: Pipe;
  try {
    pipe = await t.pipeline(task as "text-classification", id, { dtype: dtype as "q8", device: "wasm" });
  } catch (error) {
    unregisterModelFiles(id);
    throw badRequest(
      `The model's files could not be loaded as a ${task} pipeline: ${(error as Error).message}`,
    );
  }
  const tokenizer = pipe.tokenizer;
  const countTokens = (text: string, special = false): number =>
    (tokenizer.encode(text, { add_special_tokens: special }) as number[]).length;

  const model: LoadedModel = {
    spec,
    async predict(input: ScoringInput, params: Row, maxBatch: number) {
      const rows = inputRecords(input);
      checkBatch(rows.length, maxBatch);
      enforceColumns(spec.signature, rows);
      const prompted =
        promptTemplate && TEMPLATED_TASKS.has(task) ? withPromptTemplate(promptTemplate, rows) : rows;
      // MLflow's _merge_model_config_with_params: the request's params win over model_config.
      return run(pipe, prompted, { ...modelConfig, ...params });
    },
    dispose() {
      unregisterModelFiles(id);
      void pipe.dispose?.();
    },
  };
  if (task === "text-generation") {
    model.generate = (prompt, options) => generate(t, pipe, prompt, options, countTokens);
    model.chatPrompt = (messages) => chatPrompt(tokenizer, messages);
  }
  if (task === "feature-extraction") {
    model.embed = async (texts) => {
      const params = Object.fromEntries((spec.signature?.params ?? []).map((p) => [p.name, p.default]));
      const tensor = await pipe(texts, {
        pooling: params.pooling ?? "mean",
        normalize: params.normalize ?? true,
      });
      return { vectors: tensor.tolist(), tokens: texts.reduce((sum, text) => sum + countTokens(text), 0) };
    };
  }
  return model;
}

/**
 * The tokenizer's chat template when it has one; otherwise Edgeflow's default: one
 * "<role>: <content>" line per message, then "assistant:" for the model to continue.
 */
function chatPrompt(tokenizer: Pipe, messages: { role: string; content: string }[]): string {
  if (tokenizer.chat_template) {
    return tokenizer.apply_chat_template(messages, {
      tokenize: false,
      add_generation_prompt: true,
    }) as string;
  }
  return `${messages.map((m) => `${m.role}: ${m.content}`).join("\n")}\nassistant:`;
}

async function generate(
  t: typeof import("@huggingface/transformers"),
  pipe: Pipe,
  prompt: string,
  options: GenerateOptions,
  countTokens: (text: string, special?: boolean) => number,
): Promise<Generation> {
  const sample = options.temperature > 0;
  let text = "";
  let stopped = false;
  let generated = 0;
  const streamer = new t.TextStreamer(pipe.tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    // Counted as generated (tokens after a stop sequence are not billed, as OpenAI does).
    token_callback_function: (tokens: bigint[]) => {
      if (!stopped) generated += tokens.length;
    },
    callback_function: (piece: string) => {
      if (stopped) return;
      const before = text.length;
      text += piece;
      const cut = firstStop(text, options.stop);
      if (cut !== undefined) {
        stopped = true;
        text = text.slice(0, cut);
      }
      if (text.length > before) options.onText?.(text.slice(before));
    },
  });
  const out = (await pipe(prompt, {
    max_new_tokens: options.maxNewTokens,
    do_sample: sample,
    ...(sample ? { temperature: options.temperature, top_p: options.topP } : {}),
    return_full_text: false,
    streamer,
  })) as { generated_text: string }[];
  const full = out[0]?.generated_text ?? "";
  const cut = firstStop(full, options.stop);
  const completion = cut === undefined ? full : full.slice(0, cut);
  return {
    text: completion,
    finishReason: cut !== undefined || generated < options.maxNewTokens ? "stop" : "length",
    promptTokens: countTokens(prompt, true),
    completionTokens: generated,
  };
}

function firstStop(text: string, stops: string[]): number | undefined {
  let first: number | undefined;
  for (const stop of stops) {
    const at = stop === "" ? -1 : text.indexOf(stop);
    if (at >= 0 && (first === undefined || at < first)) first = at;
  }
  return first;
}
