import { type ErrorCode, httpStatusOfErrorCode, MlflowError } from "@edgeflow/schema/wire";
import { type ClientOptions, DEFAULT_RETRY, type RetryPolicy } from "./options";

/** Statuses MLflow's client retries (mlflow/utils/request_utils.py): throttling and server trouble. */
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends requests to one server: base URL, credentials, retries, and MLflow's error bodies. */
export class Transport {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly fetcher: (request: Request) => Promise<Response>;
  private readonly retry: RetryPolicy;

  constructor(options: ClientOptions) {
    this.baseUrl = options.trackingUri.replace(/\/+$/, "");
    if (!/^https?:\/\//.test(this.baseUrl)) {
      throw new MlflowError(
        "INVALID_PARAMETER_VALUE",
        `The tracking URI must be http(s)://..., got '${options.trackingUri}'.`,
      );
    }
    this.authorization = options.token
      ? `Bearer ${options.token}`
      : options.username !== undefined
        ? `Basic ${btoa(`${options.username}:${options.password ?? ""}`)}`
        : undefined;
    this.fetcher = options.fetch ?? ((request) => fetch(request));
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /**
   * One exchange, retried on 429/5xx and network errors. `body` is re-created for every try, so
   * streams are never re-read; the caller supplies a factory for that reason. `path` is under the
   * tracking URI; an absolute URL (a presigned part URL on the bucket) is sent without credentials.
   */
  async send(
    method: string,
    path: string,
    init: {
      headers?: Record<string, string>;
      body?: () => BodyInit | null | undefined;
      duplex?: boolean;
    } = {},
  ): Promise<Response> {
    const absolute = /^https?:\/\//.test(path);
    const url = absolute ? path : `${this.baseUrl}${path}`;
    for (let attempt = 1; ; attempt++) {
      const headers = new Headers(init.headers);
      if (this.authorization && !absolute) headers.set("Authorization", this.authorization);
      const body = init.body?.();
      const request = new Request(url, {
        method,
        headers,
        body: body ?? null,
        ...(init.duplex ? { duplex: "half" } : {}),
      } as RequestInit);
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await this.fetcher(request);
      } catch (error) {
        failure = error;
      }
      const retriable = response === undefined || RETRIED_STATUSES.has(response.status);
      if (!retriable && response) return response;
      if (attempt >= this.retry.attempts) {
        if (response) return response;
        throw new MlflowError(
          "TEMPORARILY_UNAVAILABLE",
          `${method} ${url} failed after ${attempt} tries: ${failure instanceof Error ? failure.message : String(failure)}`,
        );
      }
      await response?.body?.cancel();
      await sleep(this.delayBefore(attempt, response));
    }
  }

  private delayBefore(attempt: number, response: Response | undefined): number {
    const retryAfter = Number(response?.headers.get("Retry-After"));
    if (Number.isFinite(retryAfter) && retryAfter > 0)
      return Math.min(retryAfter * 1000, this.retry.maxDelayMs);
    const exponential = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
    return exponential / 2 + Math.random() * (exponential / 2);
  }
}

/** The MlflowError a non-2xx answer stands for: the server's `error_code` when it sent one. */
export async function errorFrom(response: Response, what: string): Promise<MlflowError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error_code?: string; message?: string };
    if (body.error_code && body.error_code in httpStatusOfErrorCode) {
      return new MlflowError(body.error_code as ErrorCode, body.message ?? text, { status: response.status });
    }
  } catch {
    // Not MLflow's JSON (a proxy's page, an empty body): fall back on the status below.
  }
  const code = (Object.entries(httpStatusOfErrorCode).find(([, status]) => status === response.status)?.[0] ??
    "INTERNAL_ERROR") as ErrorCode;
  return new MlflowError(code, `${what}: HTTP ${response.status}${text ? `: ${text.slice(0, 500)}` : ""}`, {
    status: response.status,
  });
}
