import {
  type Endpoint,
  type EndpointName,
  endpoints,
  type RequestOf,
  type ResponseOf,
} from "@edgeflow/schema/endpoints";
import { type ClientOptions, optionsFromEnvironment } from "./options";
import { errorFrom, Transport } from "./transport";

/**
 * One method per MLflow REST endpoint, named as MLflow's RPCs are (createRun, searchRuns,
 * setRegisteredModelAlias, ...), typed from packages/schema's endpoint table: the request is the
 * endpoint's request message, the answer its response message, a failure an MlflowError with the
 * server's error_code.
 */
export type EndpointMethods = {
  [K in EndpointName]: (
    input: RequestOf<(typeof endpoints)[K]>,
  ) => Promise<ResponseOf<(typeof endpoints)[K]>>;
};

export interface MlflowClient extends EndpointMethods {
  readonly transport: Transport;
}

/** `{name}` segments of an endpoint's path, filled from the request fields of those names. */
const PATH_PARAMETER = /\{(\w+)\}/g;

/** A GET's message as a query string: lists as repeated keys, as MLflow's client sends them. */
function queryString(message: Record<string, unknown>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(message)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      query.append(key, typeof item === "object" ? JSON.stringify(item) : String(item));
    }
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Calls one endpoint: encodes the input with its request message, decodes the answer with its response message. */
export async function call<E extends Endpoint>(
  transport: Transport,
  api: E,
  input: RequestOf<E>,
): Promise<ResponseOf<E>> {
  const message = api.request.encode(input as never) as Record<string, unknown>;
  const path = api.path.replace(PATH_PARAMETER, (_, name: string) => {
    const value = message[name];
    delete message[name];
    return encodeURIComponent(String(value ?? ""));
  });
  const url = `/api/${api.version}${path}`;
  const inQuery = api.method === "GET";
  const body = inQuery ? undefined : JSON.stringify(message);
  const response = await transport.send(api.method, inQuery ? `${url}${queryString(message)}` : url, {
    headers: inQuery ? {} : { "Content-Type": "application/json" },
    body: () => body,
  });
  if (!response.ok) throw await errorFrom(response, `${api.method} ${url}`);
  const text = await response.text();
  return api.response.decode(text ? JSON.parse(text) : {}, "response") as ResponseOf<E>;
}

/**
 * A client for an Edgeflow (or MLflow) tracking server. Options not given are read from
 * MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME/PASSWORD and MLFLOW_TRACKING_TOKEN (or their
 * EDGEFLOW_* names) where the runtime has an environment.
 */
export function createClient(options: Partial<ClientOptions> = {}): MlflowClient {
  const transport = new Transport(optionsFromEnvironment(options));
  const methods = Object.fromEntries(
    Object.entries(endpoints).map(([name, api]) => [name, (input: never) => call(transport, api, input)]),
  ) as EndpointMethods;
  return { ...methods, transport };
}
