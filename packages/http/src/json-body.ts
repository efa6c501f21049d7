import { MlflowError, parseJson } from "@edgeflow/schema";
import { readBodyText } from "./body";

/**
 * How a protocol words its refusals of a JSON body. MLflow's REST API and its scoring server
 * differ (INVALID_PARAMETER_VALUE vs BAD_REQUEST, 400 vs 415 for the content type), and clients
 * match on them, so each worker names its dialect and the reader stays one.
 */
export interface JsonDialect {
  missingType(): MlflowError;
  wrongType(): MlflowError;
  tooLarge(limit: number, size: number): MlflowError;
  malformed(): MlflowError;
  notObject(): MlflowError;
  /** MLflow's API reads an empty body as `{}` and unwraps double-encoded JSON (old clients). */
  lenient: boolean;
}

const MLFLOW_API: JsonDialect = {
  missingType: () => MlflowError.invalidParameter("Bad Request. Content-Type header is missing."),
  wrongType: () =>
    MlflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json']."),
  tooLarge: (limit, size) =>
    MlflowError.invalidParameter(
      `Request body must be at most ${limit} bytes, got a request of size ${size}.`,
    ),
  malformed: () => MlflowError.invalidParameter("Malformed request body: it is not valid JSON."),
  notObject: () => MlflowError.invalidParameter("Malformed request body: expected a JSON object."),
  lenient: true,
};

const unsupportedType = () =>
  new MlflowError("BAD_REQUEST", "Content-Type must be application/json.", { status: 415 });

const SCORING: JsonDialect = {
  missingType: unsupportedType,
  wrongType: unsupportedType,
  tooLarge: (limit) => new MlflowError("BAD_REQUEST", `Request body must be at most ${limit} bytes.`),
  malformed: () => new MlflowError("BAD_REQUEST", "Malformed request body: it is not valid JSON."),
  notObject: () => new MlflowError("BAD_REQUEST", "The request body must be a JSON object."),
  lenient: false,
};

export const JSON_DIALECTS = { mlflowApi: MLFLOW_API, scoring: SCORING } as const;

/**
 * A JSON object body: JSON only (MLflow's defence against cross-site text/plain posts), at most
 * `maxBytes`, refused in the dialect's words.
 */
export async function readJsonObject(
  request: Request,
  maxBytes: number,
  dialect: JsonDialect,
): Promise<Record<string, unknown>> {
  const contentType = request.headers.get("Content-Type");
  if (contentType === null) throw dialect.missingType();
  if (contentType.split(";")[0]?.trim().toLowerCase() !== "application/json") throw dialect.wrongType();
  const text = await readBodyText(request, maxBytes, (size) => dialect.tooLarge(maxBytes, size));
  if (dialect.lenient && text.trim() === "") return {};
  let parsed: unknown;
  try {
    // MLflow's API: its messages tell 9.0 from 9, so which numbers were floats is kept (parseJson).
    const parse = dialect.lenient ? parseJson : JSON.parse;
    parsed = parse(text);
    if (dialect.lenient && typeof parsed === "string") parsed = parse(parsed);
  } catch {
    throw dialect.malformed();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw dialect.notObject();
  return parsed as Record<string, unknown>;
}
