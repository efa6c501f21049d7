/**
 * The transformers.js tasks Edgeflow serves, one row each: what a model folder's config.json says
 * when it is one (the `architectures` head suffix transformers uses), and the MLmodel signature and
 * input example written for it when a folder is logged without its own. The inference worker's
 * pipeline table (workers/inference/src/flavors/transformers-js.ts) is keyed by this type, so a
 * task cannot be served without a row here or listed here without being served.
 */
const column = (type: string, name?: string) => ({ type, ...(name ? { name } : {}), required: true });
const param = (name: string, type: string, value: unknown) => ({ name, type, default: value, shape: null });
/** The generation params the worker reads (greedy by default, as MLflow's transformers flavor). */
const GENERATION_PARAMS = [
  param("max_new_tokens", "long", 50),
  param("temperature", "double", 1.0),
  param("do_sample", "boolean", false),
  param("top_k", "long", 50),
  param("top_p", "double", 1.0),
  param("repetition_penalty", "double", 1.0),
  param("num_beams", "long", 1),
];

export const SERVED_TASKS = {
  "text-classification": {
    heads: ["ForSequenceClassification"],
    outputs: [column("string", "label"), column("double", "score")],
    example: ["I love this"],
  },
  "token-classification": {
    heads: ["ForTokenClassification"],
    outputs: [column("string")],
    example: ["John Smith works for Microsoft in London ."],
  },
  "feature-extraction": {
    heads: ["Model"],
    outputs: [{ type: "tensor", "tensor-spec": { dtype: "float64", shape: [-1, -1] } }],
    example: ["I love this"],
  },
  "fill-mask": {
    heads: ["ForMaskedLM"],
    outputs: [column("string")],
    example: ["Paris is the [MASK] of France."],
  },
  "question-answering": {
    heads: ["ForQuestionAnswering"],
    inputs: [column("string", "question"), column("string", "context")],
    outputs: [column("string")],
    example: [{ question: "Who works for Microsoft?", context: "John Smith works for Microsoft." }],
  },
  "zero-shot-classification": {
    heads: [],
    inputs: [column("string", "sequences"), column("string", "candidate_labels")],
    outputs: [column("string", "sequence"), column("string", "labels"), column("double", "scores")],
    example: [{ sequences: "I love this", candidate_labels: "positive, negative" }],
  },
  // Binary input as MLflow's transformers flavor takes it: base64 of the image file's bytes (PNG,
  // JPEG here); the answer is each image's top label and its score.
  "image-classification": {
    heads: ["ForImageClassification"],
    files: ["preprocessor_config.json"],
    outputs: [column("string", "label"), column("double", "score")],
    example: [
      "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAAMElEQVR4Xu3NMREAIAwAMeQgEYnIqoSfuuUue85/d5UgCZIgCZIgCZIgCZIgCdJ6MIvioExnJz8oAAAAAElFTkSuQmCC",
    ],
  },
  "text-generation": {
    heads: ["ForCausalLM", "LMHeadModel"],
    outputs: [column("string")],
    params: GENERATION_PARAMS,
    example: ["Once upon a time"],
  },
  "text2text-generation": {
    heads: ["ForConditionalGeneration"],
    outputs: [column("string")],
    params: GENERATION_PARAMS,
    example: ["Hello"],
  },
  summarization: {
    heads: [],
    outputs: [column("string")],
    params: GENERATION_PARAMS,
    example: ["A long text."],
  },
  translation: {
    // Marian's head is "MTModel" (MarianMTModel); T5 and BART translate as text2text models.
    heads: ["MTModel"],
    outputs: [column("string")],
    params: GENERATION_PARAMS,
    example: ["Hello"],
  },
  // Binary input as MLflow's transformers flavor logs it: base64 of an audio file's bytes (WAV here).
  "automatic-speech-recognition": {
    heads: ["ForCTC", "ForSpeechSeq2Seq"],
    files: ["tokenizer.json", "preprocessor_config.json"],
    inputs: [column("binary")],
    outputs: [column("string")],
    // 25 ms of 8-bit silence at 8 kHz (202 samples): the smallest WAV a speech model takes.
    example: [`UklGRu4AAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YcoAAACA${"gICA".repeat(67)}`],
  },
} as const;

export type ServedTask = keyof typeof SERVED_TASKS;

/** The files besides config.json and the weights a task's pipeline reads (default: the tokenizer). */
export function taskFiles(task: ServedTask): readonly string[] {
  const row = SERVED_TASKS[task];
  return "files" in row ? row.files : ["tokenizer.json"];
}

/** Models whose head says less than their type: Whisper is ForConditionalGeneration, but speech. */
const MODEL_TYPE_TASKS: Readonly<Record<string, ServedTask>> = {
  whisper: "automatic-speech-recognition",
  marian: "translation",
};

export function isServedTask(task: string): task is ServedTask {
  return Object.hasOwn(SERVED_TASKS, task);
}

/**
 * The task a Hugging Face config.json implies: its first architecture's head ("BertForTokenClassification"
 * → token-classification), else a label map means a classifier. Undefined when it says nothing usable.
 */
export function taskFromConfig(config: {
  architectures?: unknown;
  id2label?: unknown;
  model_type?: unknown;
}): ServedTask | undefined {
  const byType = typeof config.model_type === "string" ? MODEL_TYPE_TASKS[config.model_type] : undefined;
  if (byType) return byType;
  const architecture = Array.isArray(config.architectures) ? String(config.architectures[0] ?? "") : "";
  if (architecture) {
    // Longest suffix first: "ForCausalLM" before "Model" ("LlamaForCausalLM" ends with neither alone).
    const rows = Object.entries(SERVED_TASKS).flatMap(([task, row]) =>
      row.heads.map((head) => ({ task: task as ServedTask, head: head as string })),
    );
    rows.sort((a, b) => b.head.length - a.head.length);
    const match = rows.find(({ head }) => architecture.endsWith(head));
    if (match) return match.task;
  }
  if (config.id2label && typeof config.id2label === "object") return "text-classification";
  return undefined;
}

/** The MLmodel `signature` for a task, in MLflow's stored form (JSON strings). */
export function taskSignature(task: ServedTask): { inputs: string; outputs: string; params: string | null } {
  const row = SERVED_TASKS[task];
  const inputs = "inputs" in row ? row.inputs : [column("string")];
  const params = "params" in row ? JSON.stringify(row.params) : null;
  return { inputs: JSON.stringify(inputs), outputs: JSON.stringify(row.outputs), params };
}
