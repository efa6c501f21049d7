/**
 * MLflow `transformers` flavor models, laid out as mlflow.transformers.save_model (2.12.2) writes
 * them: weights and config in model/, the tokenizer in components/tokenizer/, and (what Edgeflow
 * serves through) ONNX weights in model/onnx/. Built from the shared fixtures' files at upload time.
 */
import type { Fixture } from "../../../bench/inference/fixtures";
import { HUB_REPOS, HUB_REVISION } from "./hub-repos";

/** model/ for config and weights, components/tokenizer/ for the tokenizer: MLflow's save layout. */
function mlflowLayout(key: string, withOnnx = true): string | undefined {
  if (key === "config.json" || key === "generation_config.json") return `model/${key}`;
  if (key.startsWith("tokenizer")) return `components/tokenizer/${key}`;
  if (key.startsWith("onnx/")) return withOnnx ? `model/${key}` : undefined;
  return key;
}

function transformersMlmodel(options: {
  task: string;
  instanceType: string;
  modelType: string;
  signature: string;
  metadata?: string;
  modelConfig?: string;
  saved?: boolean;
  /** The Hub repo (and revision) it was loaded from: source_model_name / source_model_revision. */
  source?: string;
  revision?: string;
}): string {
  return `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.transformers
${options.modelConfig ? `    model_config:\n${options.modelConfig}\n` : ""}    python_version: 3.11.2
  transformers:
    code: null
    components:
    - tokenizer
    framework: pt
    instance_type: ${options.instanceType}
${options.saved === false ? "" : "    model_binary: model\n"}    pipeline_model_type: ${options.modelType}
    source_model_name: ${options.source ?? `edgeflow-fixtures/${options.task}`}
    source_model_revision: ${options.revision ?? "0123456789abcdef0123456789abcdef01234567"}
    task: ${options.task}
    tokenizer_type: PreTrainedTokenizerFast
    torch_dtype: torch.float32
    transformers_version: 4.40.1
${options.metadata ? `metadata:\n${options.metadata}\n` : ""}mlflow_version: 2.12.2
model_uuid: 5b1e6b0c7d0e4f5c9a8b7c6d5e4f3a2b
signature:
${options.signature}
utc_time_created: '2026-12-07 10:00:00.000000'
`;
}

const SST2 = transformersMlmodel({
  task: "text-classification",
  instanceType: "TextClassificationPipeline",
  modelType: "BertForSequenceClassification",
  signature: `  inputs: '[{"type": "string", "required": true}]'
  outputs: '[{"type": "string", "name": "label", "required": true}, {"type": "double", "name": "score", "required": true}]'
  params: null`,
});

const STORIES = transformersMlmodel({
  task: "text-generation",
  instanceType: "TextGenerationPipeline",
  modelType: "LlamaForCausalLM",
  metadata: "  prompt_template: 'Once upon a {prompt}'",
  modelConfig: "      do_sample: false\n      max_new_tokens: 10\n      return_full_text: false",
  signature: `  inputs: '[{"type": "string", "required": true}]'
  outputs: '[{"type": "string", "required": true}]'
  params: '[{"name": "max_new_tokens", "type": "long", "default": 10, "shape": null}]'`,
});

export const MLFLOW_TRANSFORMERS_FIXTURES: Record<string, Fixture> = {
  "sst2-transformers": {
    folder: "models/sst2-bert-mini",
    mlmodelText: SST2,
    place: (key) => mlflowLayout(key),
  },
  "stories-transformers": {
    folder: "models/stories260K",
    mlmodelText: STORIES,
    place: (key) => mlflowLayout(key),
  },
  "sst2-transformers-no-onnx": {
    folder: "models/sst2-bert-mini",
    mlmodelText: SST2,
    place: (key) => mlflowLayout(key, false),
  },
  "sst2-transformers-hub": hubReference("edgeflow-fixtures/text-classification"),
  "hub-sst2": hubReference(HUB_REPOS.sst2, HUB_REVISION),
  "hub-sst2-again": hubReference(HUB_REPOS.sst2, HUB_REVISION),
  "hub-no-onnx": hubReference(HUB_REPOS.noOnnx, HUB_REVISION),
  "hub-redirects-inward": hubReference(HUB_REPOS.redirectsInward, HUB_REVISION),
  "hub-unpinned": hubReference(HUB_REPOS.sst2, "main branch"),
};

/** An MLmodel alone, as save_pretrained=False leaves it: the weights stay on the Hub. */
function hubReference(source: string, revision?: string): Fixture {
  return {
    folder: "models/sst2-bert-mini",
    mlmodelText: transformersMlmodel({
      task: "text-classification",
      instanceType: "TextClassificationPipeline",
      modelType: "BertForSequenceClassification",
      signature: `  inputs: '[{"type": "string", "required": true}]'\n  outputs: null\n  params: null`,
      saved: false,
      source,
      revision,
    }),
    place: (key) => (key === "MLmodel" ? key : undefined),
  };
}
