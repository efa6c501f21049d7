/** Row → wire-message mapping: pure functions, the only place rows become MLflow JSON shapes. */
import type {
  DatasetInputWire,
  DatasetRow,
  ExperimentRow,
  ExperimentTagRow,
  ExperimentWire,
  InputTagRow,
  LatestMetricRow,
  MetricRow,
  MetricWire,
  ParamRow,
  RunInfoWire,
  RunRow,
  RunWire,
  TagRow,
} from "@edgeflow/schema";
import { decodeMetricValue } from "./metric-values";

export function experimentToWire(row: ExperimentRow, tags: ExperimentTagRow[]): ExperimentWire {
  return {
    experiment_id: String(row.experimentId),
    name: row.name,
    artifact_location: row.artifactLocation ?? undefined,
    lifecycle_stage: row.lifecycleStage,
    last_update_time: row.lastUpdateTime ?? undefined,
    creation_time: row.creationTime ?? undefined,
    tags: tags.map((tag) => ({ key: tag.key, value: tag.value ?? "" })),
  };
}

export function runInfoToWire(row: RunRow): RunInfoWire {
  return {
    run_uuid: row.runUuid,
    run_id: row.runUuid,
    run_name: row.name ?? "",
    experiment_id: String(row.experimentId),
    user_id: row.userId ?? "",
    status: row.status,
    start_time: row.startTime ?? undefined,
    end_time: row.endTime ?? undefined,
    artifact_uri: row.artifactUri ?? "",
    lifecycle_stage: row.lifecycleStage,
  };
}

export function metricToWire(
  row: Pick<MetricRow, "key" | "value" | "isNan" | "timestamp" | "step">,
): MetricWire {
  return {
    key: row.key,
    value: decodeMetricValue(row.value, row.isNan),
    timestamp: row.timestamp,
    step: row.step,
  };
}

export interface RunParts {
  run: RunRow;
  params: ParamRow[];
  tags: TagRow[];
  latestMetrics: LatestMetricRow[];
  inputs: { dataset: DatasetRow; tags: InputTagRow[] }[];
  /** MLflow 3: logged models the run used, and those it produced (at a step). */
  modelInputs?: { modelId: string }[];
  modelOutputs?: { modelId: string; step: number }[];
}

export function datasetInputToWire(input: RunParts["inputs"][number]): DatasetInputWire {
  const { dataset } = input;
  return {
    tags: input.tags.map((tag) => ({ key: tag.name, value: tag.value })),
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: dataset.source,
      schema: dataset.schema ?? undefined,
      profile: dataset.profile ?? undefined,
    },
  };
}

export function runToWire(parts: RunParts): RunWire {
  return {
    info: runInfoToWire(parts.run),
    data: {
      metrics: parts.latestMetrics.map(metricToWire),
      params: parts.params.map((param) => ({ key: param.key, value: param.value })),
      tags: parts.tags.map((tag) => ({ key: tag.key, value: tag.value ?? "" })),
    },
    inputs: {
      dataset_inputs: parts.inputs.map(datasetInputToWire),
      model_inputs: (parts.modelInputs ?? []).map((input) => ({ model_id: input.modelId })),
    },
    outputs: {
      model_outputs: (parts.modelOutputs ?? []).map((output) => ({
        model_id: output.modelId,
        step: output.step,
      })),
    },
  };
}
