import { SELF } from "cloudflare:test";

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

const BASE = "http://127.0.0.1:5000";

/** POSTs JSON to an MLflow endpoint of the worker under test (path relative to /api/2.0/mlflow). */
export async function post<T = Record<string, unknown>>(
  path: string,
  body: unknown = {},
): Promise<ApiResponse<T>> {
  const response = await SELF.fetch(`${BASE}/api/2.0/mlflow/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** PATCHes JSON to an MLflow endpoint (MLflow's update endpoints use PATCH). */
export async function patch<T = Record<string, unknown>>(
  path: string,
  body: unknown = {},
): Promise<ApiResponse<T>> {
  return send<T>("PATCH", path, body);
}

/** DELETEs with a JSON body, as MLflow's Python client sends it. */
export async function del<T = Record<string, unknown>>(
  path: string,
  body: unknown = {},
): Promise<ApiResponse<T>> {
  return send<T>("DELETE", path, body);
}

async function send<T>(method: string, path: string, body: unknown): Promise<ApiResponse<T>> {
  const response = await SELF.fetch(`${BASE}/api/2.0/mlflow/${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** GETs an MLflow endpoint with query parameters (arrays become repeated keys). */
export async function get<T = Record<string, unknown>>(
  path: string,
  query: Record<string, string | number | string[]> = {},
): Promise<ApiResponse<T>> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const response = await SELF.fetch(`${BASE}/api/2.0/mlflow/${path}?${params}`);
  return { status: response.status, body: (await response.json()) as T };
}

let counter = 0;
/** A name no other test uses, so test files can share one database. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function createExperiment(name = uniqueName("exp")): Promise<string> {
  const { status, body } = await post<{ experiment_id: string }>("experiments/create", { name });
  if (status !== 200) throw new Error(`create experiment failed: ${JSON.stringify(body)}`);
  return body.experiment_id;
}

export interface WireRun {
  info: Record<string, unknown> & { run_id: string };
  data: {
    metrics?: { key: string; value: number | string; timestamp: number; step: number }[];
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  };
  inputs?: { dataset_inputs?: unknown[] };
}

export async function createRun(experimentId: string, extra: Record<string, unknown> = {}): Promise<WireRun> {
  const { status, body } = await post<{ run: WireRun }>("runs/create", {
    experiment_id: experimentId,
    start_time: Date.now(),
    ...extra,
  });
  if (status !== 200) throw new Error(`create run failed: ${JSON.stringify(body)}`);
  return body.run;
}

export async function getRun(runId: string): Promise<WireRun> {
  const { body } = await get<{ run: WireRun }>("runs/get", { run_id: runId });
  return body.run;
}
