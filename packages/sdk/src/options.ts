/** How a client reaches its server: the tracking URI, credentials, and the transport's knobs. */
export interface ClientOptions {
  /** The server's base URL, e.g. "https://edgeflow.example.workers.dev" (MLflow's tracking URI). */
  trackingUri: string;
  /** HTTP Basic credentials (MLflow's MLFLOW_TRACKING_USERNAME / _PASSWORD). */
  username?: string;
  password?: string;
  /** A bearer token (MLflow's MLFLOW_TRACKING_TOKEN; Edgeflow's API tokens). Wins over Basic. */
  token?: string;
  /** The fetch to use: the global one by default; a service binding's or a test's otherwise. */
  fetch?: (request: Request) => Promise<Response>;
  retry?: Partial<RetryPolicy>;
}

/**
 * Retries of a request answered 429 or 5xx, or not answered at all (a network error), as
 * MLflow's client retries them: exponential backoff with jitter, honouring Retry-After.
 */
export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number;
  /** The wait before the first retry; each later wait doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 10_000 };

/** The variables MLflow's client reads, and Edgeflow's names for the same, first match wins. */
const ENVIRONMENT = {
  trackingUri: ["MLFLOW_TRACKING_URI", "EDGEFLOW_TRACKING_URI"],
  username: ["MLFLOW_TRACKING_USERNAME", "EDGEFLOW_USERNAME"],
  password: ["MLFLOW_TRACKING_PASSWORD", "EDGEFLOW_PASSWORD"],
  token: ["MLFLOW_TRACKING_TOKEN", "EDGEFLOW_TOKEN"],
} as const;

export const DEFAULT_TRACKING_URI = "http://127.0.0.1:5000";

type Environment = Record<string, string | undefined>;

/** The process's environment where there is one (Node, Bun, Deno); empty in Workers and browsers. */
function processEnvironment(): Environment {
  const maybe = globalThis as { process?: { env?: Environment } };
  return maybe.process?.env ?? {};
}

/** Options from MLflow's (or Edgeflow's) environment variables, overridden by `given`. */
export function optionsFromEnvironment(
  given: Partial<ClientOptions> = {},
  env: Environment = processEnvironment(),
): ClientOptions {
  const read = (names: readonly string[]) => names.map((name) => env[name]).find((value) => value);
  const fromEnv: Partial<ClientOptions> = {};
  for (const [option, names] of Object.entries(ENVIRONMENT) as [
    keyof typeof ENVIRONMENT,
    readonly string[],
  ][]) {
    const value = read(names);
    if (value) fromEnv[option] = value;
  }
  // An option passed as undefined is "not given", not "unset what the environment says".
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { trackingUri: DEFAULT_TRACKING_URI, ...fromEnv, ...defined };
}
