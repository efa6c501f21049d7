import {
  type DatasetInputWire,
  datasets,
  type Infer,
  inputs,
  inputTags,
  MlflowError,
  type ModelInput,
} from "@edgeflow/schema";
import { sql } from "drizzle-orm";
import type { TrackingContext } from "../context";
import { runAtomically } from "../db";
import { jsonRows } from "../json-rows";
import { limits } from "../limits";
import { newUuid } from "../names";
import { validateLength, validateRunId } from "../validation";
import { getRunRow, requireActiveRun } from "./run-reader";

function validateDatasetInput(input: DatasetInputWire): void {
  const { dataset } = input;
  const sizes: [string, number, string | undefined][] = [
    ["name", limits.datasetNameLength, dataset.name],
    ["digest", limits.datasetDigestLength, dataset.digest],
    ["source", limits.datasetSourceLength, dataset.source],
    ["schema", limits.datasetSchemaLength, dataset.schema],
    ["profile", limits.datasetProfileLength, dataset.profile],
  ];
  for (const [field, limit, value] of sizes) {
    if (value !== undefined && value.length > limit) {
      throw MlflowError.invalidParameter(`Dataset ${field} exceeds the maximum length of ${limit}`);
    }
  }
  for (const tag of input.tags ?? []) {
    validateLength("Input tag key", limits.inputTagKeyLength, tag.key);
    validateLength("Input tag value", limits.inputTagValueLength, tag.value);
  }
}

/**
 * Links datasets (and MLflow 3's logged models the run used) to a run. A dataset is stored once per experiment (name, digest); linking the same
 * dataset to the same run again changes nothing, as in MLflow. Each table gets one statement whose
 * rows travel as a single JSON parameter, so a request of any size stays within D1's limits.
 */
export async function logInputs(
  ctx: TrackingContext,
  runId: string,
  datasetInputs: DatasetInputWire[],
  modelInputs: Infer<typeof ModelInput.spec>[] = [],
): Promise<void> {
  validateRunId(runId);
  if (datasetInputs.length + modelInputs.length > limits.entitiesPerBatch) {
    throw MlflowError.invalidParameter(
      `A request can log at most ${limits.entitiesPerBatch} inputs. Got ${datasetInputs.length + modelInputs.length}.`,
    );
  }
  for (const input of datasetInputs) validateDatasetInput(input);
  const run = await getRunRow(ctx, runId);
  requireActiveRun(run);
  if (datasetInputs.length === 0 && modelInputs.length === 0) return;
  const linked = datasetInputs.map((input) => ({ inputUuid: newUuid(), input }));
  const datasetRows = linked.map(({ input: { dataset } }) => [
    newUuid(),
    dataset.name,
    dataset.digest,
    dataset.source_type,
    dataset.source,
    dataset.schema ?? null,
    dataset.profile ?? null,
  ]);
  const inputRows = linked.map(({ inputUuid, input }) => [
    inputUuid,
    input.dataset.name,
    input.dataset.digest,
  ]);
  const tagRows = linked.flatMap(({ inputUuid, input }) =>
    (input.tags ?? []).map((tag) => [inputUuid, tag.key, tag.value]),
  );
  const experimentId = run.experimentId;
  // As MLflow stores them: RUN_INPUT → MODEL_INPUT rows; the models are not looked up.
  const modelRows = modelInputs.map((model) => [newUuid(), model.model_id]);
  await runAtomically(ctx.db, [
    ...(modelRows.length === 0
      ? []
      : [
          ctx.db
            .insert(inputs)
            .select(
              sql`select j.value->>0, 'RUN_INPUT', ${runId}, 'MODEL_INPUT', j.value->>1, 0 from ${jsonRows(modelRows)} as j where true`,
            )
            .onConflictDoNothing(),
        ]),
    ctx.db
      .insert(datasets)
      .select(
        sql`select j.value->>0, ${experimentId}, j.value->>1, j.value->>2, j.value->>3, j.value->>4, j.value->>5, j.value->>6 from ${jsonRows(datasetRows)} as j where true`,
      )
      .onConflictDoNothing(),
    ctx.db
      .insert(inputs)
      .select(
        sql`select j.value->>0, 'DATASET', d.dataset_uuid, 'RUN', ${runId}, 0 from ${jsonRows(inputRows)} as j join ${datasets} d on d.experiment_id = ${experimentId} and d.name = j.value->>1 and d.digest = j.value->>2 where true`,
      )
      .onConflictDoNothing(),
    ...(tagRows.length === 0
      ? []
      : [
          ctx.db
            .insert(inputTags)
            .select(
              sql`select j.value->>0, j.value->>1, j.value->>2 from ${jsonRows(tagRows)} as j where exists (select 1 from ${inputs} i where i.input_uuid = j.value->>0)`,
            )
            .onConflictDoNothing(),
        ]),
  ]);
}
