/**
 * The one way the UI talks to Edgeflow: MLflow's REST API under /ajax-api/2.0 (the prefix MLflow's
 * own UI uses). Every failure becomes an ApiError carrying MLflow's error_code and message, so
 * pages can show it instead of going blank.
 */
import { authHeader } from "./credentials";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params.toString();
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    if (body.message) return new ApiError(response.status, body.error_code ?? "ERROR", body.message);
  } catch {
    // Not MLflow JSON: fall through to the status line.
  }
  return new ApiError(response.status, `HTTP_${response.status}`, text.slice(0, 300) || response.statusText);
}

/** fetch with the signed-in credentials; network failures become ApiErrors too. */
export async function send(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const auth = authHeader();
  if (auth) headers.set("Authorization", auth);
  // Tells the server not to answer 401 with a Basic challenge (the browser's own login prompt);
  // same-origin only, as a custom header would need a CORS preflight elsewhere.
  if (url.startsWith("/")) headers.set("X-Requested-With", "XMLHttpRequest");
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    throw new ApiError(0, "NETWORK_ERROR", `Could not reach the server: ${String(error)}`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

const BASE = "/ajax-api/2.0/mlflow/";

export async function get<T>(path: string, query: Query = {}, base = BASE): Promise<T> {
  const qs = queryString(query);
  return (await send(`${base}${path}${qs ? `?${qs}` : ""}`)).json() as Promise<T>;
}

export async function post<T>(path: string, body: unknown, method = "POST", base = BASE): Promise<T> {
  const response = await send(`${base}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json() as Promise<T>;
}
