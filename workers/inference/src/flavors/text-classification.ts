import type { Tensor } from "@huggingface/transformers";

// biome-ignore lint/suspicious/noExplicitAny: the pipeline's tokenizer and model are typed per task in transformers.js.
type Pipe = any;

export interface Classification {
  label: string;
  score: number;
}

/**
 * text-classification from the pipeline's own tokenizer and model, without the pipeline's
 * `_call`: that one runs its top-k as a second onnxruntime session (a one-node TopK graph) for
 * every row, a whole WASM session.run per input for picking the largest of two numbers. The rest
 * is what TextClassificationPipeline does (transformers.js 4.3): padded, truncated tokens, the
 * model's logits, softmax (sigmoid for multi-label models) in float32, the first best class and
 * its config label, so labels and scores are the same to the last bit.
 */
export async function classifyTexts(pipe: Pipe, texts: string[]): Promise<Classification[]> {
  const inputs = pipe.tokenizer(texts, { padding: true, truncation: true });
  const { logits } = (await pipe.model(inputs)) as { logits: Tensor };
  const { problem_type, id2label } = pipe.model.config as {
    problem_type?: string;
    id2label?: Record<number, string>;
  };
  const [rows = 0, classes = 0] = logits.dims;
  const data = logits.data as Float32Array;
  const out: Classification[] = [];
  for (let row = 0; row < rows; row++) {
    const values = data.subarray(row * classes, (row + 1) * classes);
    const scores =
      problem_type === "multi_label_classification"
        ? values.map((x) => 1 / (1 + Math.exp(-x)))
        : softmax32(values);
    // The first largest, as onnxruntime's TopK breaks ties.
    let best = 0;
    for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
    out.push({
      label: id2label ? (id2label[best] as string) : `LABEL_${best}`,
      score: scores[best] as number,
    });
  }
  return out;
}

/** transformers.js' softmax on a Float32Array, step for step: float32 exponentials, a float64 sum. */
function softmax32(values: Float32Array): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of values) if (x > max) max = x;
  const exps = values.map((x) => Math.exp(x - max));
  const sum = exps.reduce((acc, x) => acc + x, 0);
  return exps.map((x) => x / sum);
}
