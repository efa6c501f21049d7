import { SELF } from "cloudflare:test";
import { post } from "../helpers/api";

export const ORIGIN = "http://127.0.0.1:5000";

export interface WireLoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    status: string;
    model_type?: string;
    source_run_id?: string;
    tags?: { key: string; value: string }[];
  };
  data: {
    params?: { key: string; value: string }[];
    metrics?: {
      key: string;
      value: number | string;
      timestamp: number;
      step: number;
      dataset_name?: string;
      dataset_digest?: string;
      model_id?: string;
      run_id?: string;
    }[];
  };
}

export async function createLoggedModel(
  experimentId: string,
  extra: Record<string, unknown> = {},
): Promise<WireLoggedModel> {
  const { status, body } = await post<{ model: WireLoggedModel }>("logged-models", {
    experiment_id: experimentId,
    ...extra,
  });
  if (status !== 200) throw new Error(`create logged model failed: ${JSON.stringify(body)}`);
  return body.model;
}

/** Any method against /api/2.0/mlflow/<path>, with an optional JSON body. */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Uploads a file through the mlflow-artifacts proxy, as MLflow 3's client uploads a model's files. */
export async function uploadTo(artifactUri: string, path: string, body: BodyInit): Promise<void> {
  const root = artifactUri.replace("mlflow-artifacts:/", "");
  const response = await SELF.fetch(`${ORIGIN}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, {
    method: "PUT",
    body,
  });
  if (response.status !== 200) throw new Error(`upload failed: ${response.status}`);
}
