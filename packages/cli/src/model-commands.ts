import type { QuantizeReport } from "@edgeflow/onnx";
import { type ActiveRun, startRun } from "@edgeflow/sdk";
import { UsageError } from "./args";
import { type Command, jsonArgument, option, positional, progress } from "./command";
import type { CommandContext } from "./context";
import { MLMODEL_YAML, planModelFolder } from "./model-folder";
import { quantizeOnnx } from "./quantize-file";
import { type Registered, registeredText, registerVersion } from "./register";
import { memoryFile, uploadAll } from "./upload";

export const MODEL_COMMANDS: readonly Command[] = [
  {
    name: "models quantize",
    summary: "quantise an ONNX model to dynamic int8 (the layout of onnxruntime's quantize_dynamic)",
    usage: "edgeflow models quantize IN.onnx OUT.onnx [--per-channel]",
    switches: ["per-channel"],
    async run(ctx) {
      const fs = ctx.io.files;
      const input = positional(ctx, 0, "the input IN.onnx");
      const output = positional(ctx, 1, "the output OUT.onnx");
      const bytes = await fs.readBytes(input);
      const bar = progress(ctx, "quantising");
      let quantized: Uint8Array;
      let report: QuantizeReport;
      try {
        ({ bytes: quantized, report } = quantizeOnnx(bytes, input, {
          perChannel: ctx.args.flags["per-channel"] === true,
          onProgress: bar.update,
        }));
      } finally {
        bar.end();
      }
      await fs.writeBytes(output, quantized);
      const result = { input, output, input_bytes: bytes.length, output_bytes: quantized.length, ...report };
      const count = report.matmuls + report.gemms + report.embeddings;
      ctx.print(
        result,
        count === 0
          ? `${input}: nothing to quantise (no MatMul, Gemm or large Gather on a constant weight); wrote it unchanged to ${output}`
          : `quantised ${report.matmuls} MatMul, ${report.gemms} Gemm, ${report.embeddings} embedding weights: ${mb(bytes.length)} → ${mb(quantized.length)} (${output})`,
      );
    },
  },
  {
    name: "models log",
    summary: "log a model folder (HF/Optimum export or MLflow model) to a run, and optionally register it",
    usage:
      "edgeflow models log DIR [--task T] [--quantize q8] [--experiment NAME | --run-id ID] [--register NAME] [--alias A] [--input-example FILE]",
    run: logModel,
  },
];

async function logModel(ctx: CommandContext): Promise<void> {
  const fs = ctx.io.files;
  const dir = positional(ctx, 0, "the model folder DIR");
  const alias = option(ctx, "alias");
  const registerAs = option(ctx, "register");
  if (alias && !registerAs) throw new UsageError("--alias needs --register NAME.");
  const exampleRaw = option(ctx, "input-example");
  const inputExample =
    exampleRaw === undefined
      ? undefined
      : await jsonArgument(ctx, "input-example", `@${exampleRaw.replace(/^@/, "")}`);
  const bar = progress(ctx, "quantising");
  const plan = await planModelFolder(fs, dir, {
    task: option(ctx, "task"),
    quantize: option(ctx, "quantize"),
    inputExample,
    onQuantizeProgress: bar.update,
  }).finally(() => bar.end());

  const runId = option(ctx, "run-id");
  // A run made here is ended here; a --run-id run is only added to.
  const created = runId
    ? undefined
    : await startRun(ctx.client, {
        experimentName: option(ctx, "experiment"),
        runName: `log-${fs.basename(dir)}`,
        flushIntervalMs: 0,
      });
  const run = created?.info ?? (await ctx.client.getRun({ run_id: runId ?? "" })).run?.info ?? {};
  const id = run.run_id ?? "";
  let logged: LoggedTo;
  try {
    logged = await logTo(ctx, run);
    const mlmodel = {
      ...plan.mlmodel,
      artifact_path: "model",
      run_id: id,
      ...(logged.modelId ? { model_id: logged.modelId } : {}),
      utc_time_created: new Date().toISOString().replace("T", " ").replace("Z", ""),
      model_uuid: crypto.randomUUID().replaceAll("-", ""),
    };
    const mlmodelBytes = new TextEncoder().encode(MLMODEL_YAML(mlmodel));
    await uploadAll(ctx, logged.artifactUri, logged.prefix, [
      ...plan.files,
      memoryFile("MLmodel", mlmodelBytes),
    ]);
    await logged.finish(JSON.stringify(mlmodel));
    await created?.end("FINISHED");
  } catch (error) {
    await created?.end("FAILED").catch(() => {});
    throw error;
  }
  const registered: Registered | undefined = registerAs
    ? await registerVersion(ctx, {
        source: logged.modelUri,
        runId: id,
        name: registerAs,
        alias,
        ...(logged.modelId ? { modelId: logged.modelId } : {}),
      })
    : undefined;
  const artifactUri = logged.prefix ? `${logged.artifactUri}/${logged.prefix}` : logged.artifactUri;
  const result = { run_id: id, model_uri: logged.modelUri, artifact_uri: artifactUri, ...registered };
  ctx.print(
    result,
    [
      `logged ${plan.summary} to run ${id}`,
      logged.modelUri,
      ...(registered ? [registeredText(registered)] : []),
    ].join("\n"),
  );
}

/** Where the model's files go, its URI, and what records it once they are there. */
interface LoggedTo {
  artifactUri: string | undefined;
  prefix: string;
  modelUri: string;
  modelId?: string;
  finish(modelJson: string): Promise<void>;
}

/**
 * MLflow 3 servers (Edgeflow answers /version 3.x) get what `mlflow.<flavor>.log_model` does in
 * 3.x: a logged model, sourced from the run, holding the files, finalized READY and linked to the
 * run as an output; `models:/<model_id>` names it. Older servers get MLflow 2's layout: the files
 * under the run's `model/` and a `log-model` record; `runs:/<run_id>/model` names it.
 */
async function logTo(ctx: CommandContext, run: RunInfo): Promise<LoggedTo> {
  const runId = run.run_id ?? "";
  if ((await serverMajorVersion(ctx)) >= 3) {
    const { model } = await ctx.client.createLoggedModel({
      experiment_id: run.experiment_id ?? "0",
      name: "model",
      source_run_id: runId,
    });
    const modelId = model?.info?.model_id ?? "";
    return {
      artifactUri: model?.info?.artifact_uri,
      prefix: "",
      modelUri: `models:/${modelId}`,
      modelId,
      finish: async () => {
        await ctx.client.finalizeLoggedModel({ model_id: modelId, status: "LOGGED_MODEL_READY" });
        await ctx.client.logOutputs({ run_id: runId, models: [{ model_id: modelId, step: 0 }] });
      },
    };
  }
  return {
    artifactUri: run.artifact_uri,
    prefix: "model",
    modelUri: `runs:/${runId}/model`,
    finish: async (modelJson) => {
      await ctx.client.logModel({ run_id: runId, model_json: modelJson });
    },
  };
}

async function serverMajorVersion(ctx: CommandContext): Promise<number> {
  try {
    const response = await ctx.fetch(new Request(`${ctx.trackingUri.replace(/\/+$/, "")}/version`));
    return response.ok ? Number.parseInt(await response.text(), 10) || 0 : 0;
  } catch {
    return 0;
  }
}

type RunInfo = ActiveRun["info"];

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
