import { SELF } from "cloudflare:test";

export const ORIGIN = "http://127.0.0.1:5000";

/** POSTs to an /ajax-api/2.0/mlflow endpoint (MLflow serves its UI-only endpoints there only). */
export async function ajax<T = Record<string, unknown>>(
  path: string,
  body: unknown,
  { prefix = "/ajax-api/2.0/mlflow", headers = { "Content-Type": "application/json" } } = {},
): Promise<{ status: number; body: T }> {
  const response = await SELF.fetch(`${ORIGIN}${prefix}/${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as T };
}
