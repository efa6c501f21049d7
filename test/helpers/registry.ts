import { createExperiment, createRun, post, uniqueName } from "./api";

export interface WireModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  run_link?: string;
  status: string;
  tags?: { key: string; value: string }[];
  aliases?: string[];
}

export interface WireRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: { key: string; value: string }[];
  aliases?: { alias: string; version: string }[];
}

export async function createModel(
  name = uniqueName("model"),
  extra: Record<string, unknown> = {},
): Promise<string> {
  const { status, body } = await post("registered-models/create", { name, ...extra });
  if (status !== 200) throw new Error(`create model failed: ${JSON.stringify(body)}`);
  return name;
}

let sharedRun: Promise<{ runId: string; artifactUri: string }> | undefined;

/** One run (in its own experiment) for tests that need a runs:/ source. */
export function aRun(): Promise<{ runId: string; artifactUri: string }> {
  sharedRun ??= createExperiment()
    .then((experimentId) => createRun(experimentId))
    .then((run) => ({ runId: run.info.run_id, artifactUri: String(run.info.artifact_uri) }));
  return sharedRun;
}

export async function createVersion(
  name: string,
  extra: Record<string, unknown> = {},
): Promise<WireModelVersion> {
  const { runId } = await aRun();
  const { status, body } = await post<{ model_version: WireModelVersion }>("model-versions/create", {
    name,
    source: `runs:/${runId}/model`,
    ...extra,
  });
  if (status !== 200) throw new Error(`create version failed: ${JSON.stringify(body)}`);
  return body.model_version;
}
