import { errorFrom } from "@edgeflow/sdk";
import { UsageError } from "./args";
import { ARTIFACT_COMMANDS } from "./artifact-commands";
import { type Command, jsonArgument, option, positional, required } from "./command";
import type { CommandContext } from "./context";
import { MODEL_COMMANDS } from "./model-commands";
import { invocationsUrl, parseModelRef } from "./model-ref";
import { isoTime, table } from "./output";
import { registeredText, registerVersion } from "./register";

async function experimentIdByName(ctx: CommandContext, name: string): Promise<string> {
  const { experiment } = await ctx.client.getExperimentByName({ experiment_name: name });
  return experiment?.experiment_id ?? "";
}

/** The version a ref names, as the registry answers it (a 404 when it does not exist). */
async function resolveVersion(ctx: CommandContext, raw: string) {
  const ref = parseModelRef(raw);
  const { model_version } =
    "alias" in ref
      ? await ctx.client.getModelVersionByAlias({ name: ref.name, alias: ref.alias })
      : await ctx.client.getModelVersion({ name: ref.name, version: ref.version });
  return { ref, version: model_version };
}

export const COMMANDS: readonly Command[] = [
  {
    name: "experiments list",
    summary: "list experiments",
    usage: "edgeflow experiments list [--view active|deleted|all]",
    async run(ctx) {
      const view = { active: "ACTIVE_ONLY", deleted: "DELETED_ONLY", all: "ALL" }[
        option(ctx, "view") ?? "active"
      ];
      if (!view) throw new UsageError("--view is active, deleted or all.");
      const { experiments = [] } = await ctx.client.searchExperiments({
        view_type: view as "ALL",
        max_results: 1000,
      });
      ctx.print(
        experiments,
        table(
          ["ID", "NAME", "STAGE", "CREATED"],
          experiments.map((e) => [
            e.experiment_id ?? "",
            e.name ?? "",
            e.lifecycle_stage ?? "",
            isoTime(e.creation_time),
          ]),
        ),
      );
    },
  },
  {
    name: "experiments create",
    summary: "create an experiment",
    usage: "edgeflow experiments create NAME",
    async run(ctx) {
      const name = positional(ctx, 0, "the experiment's NAME");
      const { experiment_id } = await ctx.client.createExperiment({ name });
      ctx.print({ experiment_id, name }, `created experiment ${experiment_id} (${name})`);
    },
  },
  {
    name: "runs list",
    summary: "list an experiment's runs",
    usage:
      'edgeflow runs list --experiment NAME [--filter "metrics.acc > 0.9"] [--order-by "metrics.acc DESC"] [--max N]',
    async run(ctx) {
      const experimentId = await experimentIdByName(ctx, required(ctx, "experiment"));
      const order = option(ctx, "order-by");
      const { runs = [] } = await ctx.client.searchRuns({
        experiment_ids: [experimentId],
        filter: option(ctx, "filter") ?? "",
        order_by: order ? [order] : [],
        max_results: Number(option(ctx, "max") ?? 100),
      });
      ctx.print(
        runs,
        table(
          ["RUN ID", "NAME", "STATUS", "STARTED"],
          runs.map((r) => [
            r.info?.run_id ?? "",
            r.info?.run_name ?? "",
            r.info?.status ?? "",
            isoTime(r.info?.start_time),
          ]),
        ),
      );
    },
  },
  {
    name: "models list",
    summary: "list registered models with their latest versions and aliases",
    usage: "edgeflow models list [--filter \"name LIKE 'sent%'\"]",
    async run(ctx) {
      const { registered_models = [] } = await ctx.client.searchRegisteredModels({
        filter: option(ctx, "filter") ?? "",
        max_results: 1000,
      });
      ctx.print(
        registered_models,
        table(
          ["NAME", "LATEST", "ALIASES"],
          registered_models.map((m) => [
            m.name ?? "",
            (m.latest_versions ?? []).map((v) => v.version).join(","),
            (m.aliases ?? []).map((a) => `${a.alias}→${a.version}`).join(" "),
          ]),
        ),
      );
    },
  },
  {
    name: "models register",
    summary: "register a logged model (runs:/, models:/ or mlflow-artifacts:/ URI) as a new version",
    usage: "edgeflow models register MODEL_URI --name NAME [--alias ALIAS]",
    async run(ctx) {
      const source = positional(ctx, 0, "the MODEL_URI (runs:/<run_id>/model)");
      const name = required(ctx, "name");
      const alias = option(ctx, "alias");
      const runId = /^runs:\/([^/]+)\//.exec(source)?.[1];
      const registered = await registerVersion(ctx, { source, runId, name, alias });
      ctx.print(registered, registeredText(registered));
    },
  },
  {
    name: "models alias",
    summary: "point an alias at a version (it goes live on the inference URL at once)",
    usage: "edgeflow models alias NAME ALIAS VERSION",
    async run(ctx) {
      const name = positional(ctx, 0, "the model's NAME");
      const alias = positional(ctx, 1, "the ALIAS");
      const version = positional(ctx, 2, "the VERSION");
      await ctx.client.setRegisteredModelAlias({ name, alias, version });
      const url = invocationsUrl(await ctx.inferenceUri(), { name, alias });
      ctx.print({ name, alias, version, url }, `${name}@${alias} → version ${version}\n${url}`);
    },
  },
  {
    name: "models url",
    summary: "print a model version's invocations URL",
    usage: "edgeflow models url REF      (REF: name@alias, name/version, models:/name@alias)",
    async run(ctx) {
      const { ref, version } = await resolveVersion(ctx, positional(ctx, 0, "the model REF"));
      const url = invocationsUrl(await ctx.inferenceUri(), ref);
      ctx.print({ name: ref.name, version: version?.version, url }, url);
    },
  },
  {
    name: "predict",
    summary: "score inputs with a served model",
    usage: "edgeflow predict REF --input JSON|@FILE [--params JSON|@FILE]",
    async run(ctx) {
      const ref = parseModelRef(positional(ctx, 0, "the model REF"));
      const raw = required(ctx, "input");
      const input = await jsonArgument(ctx, "input", raw);
      const paramsRaw = option(ctx, "params");
      const params = paramsRaw === undefined ? undefined : await jsonArgument(ctx, "params", paramsRaw);
      // A bare list or string is MLflow's `inputs`; an object is sent as the scoring request itself.
      const body =
        typeof input === "object" && input !== null && !Array.isArray(input) ? input : { inputs: input };
      const url = invocationsUrl(await ctx.inferenceUri(), ref);
      const response = await ctx.fetch(
        new Request(url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(params === undefined ? body : { ...body, params }),
        }),
      );
      if (!response.ok) throw await errorFrom(response, url);
      const text = await response.text();
      const answer = JSON.parse(text) as unknown;
      ctx.print(answer, JSON.stringify((answer as { predictions?: unknown }).predictions ?? answer, null, 2));
    },
  },
  ...MODEL_COMMANDS,
  ...ARTIFACT_COMMANDS,
  {
    name: "doctor",
    summary: "check the tracking server, auth, the artifact store and the inference worker",
    usage: "edgeflow doctor",
    run: doctor,
  },
];

interface Check {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

async function doctor(ctx: CommandContext): Promise<void> {
  const checks: Check[] = [];
  const probe = async (check: string, attempt: () => Promise<string>, fix: string) => {
    try {
      checks.push({ check, ok: true, detail: await attempt() });
    } catch (error) {
      checks.push({ check, ok: false, detail: error instanceof Error ? error.message : String(error), fix });
    }
  };
  await probe(
    "tracking server",
    async () => {
      const response = await ctx.fetch(new Request(`${ctx.trackingUri.replace(/\/+$/, "")}/version`));
      if (!response.ok) throw new Error(`GET /version answered ${response.status}`);
      return `${ctx.trackingUri} (MLflow API ${await response.text()})`;
    },
    "start it (npm start) or point --tracking-uri / MLFLOW_TRACKING_URI at it",
  );
  await probe(
    "credentials",
    async () => {
      await ctx.client.searchExperiments({ max_results: 1 });
      return "accepted";
    },
    "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN",
  );
  await probe(
    "artifact store",
    async () => {
      await ctx.client.listProxiedArtifacts({ path: "" });
      return "the bucket answers through the artifact proxy";
    },
    "check the tracking worker's S3_* settings (docs/artifacts.md)",
  );
  await probe(
    "inference worker",
    async () => {
      const inferenceUri = await ctx.inferenceUri();
      const response = await ctx.fetch(new Request(`${inferenceUri.replace(/\/+$/, "")}/ping`));
      if (!response.ok) throw new Error(`GET /ping answered ${response.status}`);
      return inferenceUri;
    },
    "start it (npm start) or point --inference-uri / EDGEFLOW_INFERENCE_URI at it",
  );
  const failed = checks.filter((c) => !c.ok);
  ctx.print(
    { ok: failed.length === 0, checks },
    checks
      .map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.check}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ""}`)
      .join("\n"),
  );
  if (failed.length > 0) throw new DoctorFailed(`${failed.length} of ${checks.length} checks failed.`);
}

/** `doctor` found problems: they are printed already, the exit status says so. */
export class DoctorFailed extends Error {}
