import { MlflowError } from "@edgeflow/schema";
import { badRequest } from "./errors";

/**
 * MLflow's scoring protocol (mlflow/pyfunc/scoring_server): what /invocations accepts, parsed
 * into one shape the flavors read.
 */
export type ScoringInput =
  /** dataframe_split, dataframe_records or CSV: rows of named columns. */
  | { format: "dataframe"; columns: string[]; rows: unknown[][] }
  /** instances / inputs: a tensor, a list of values or a dict of columns, as sent. */
  | { format: "tensor"; value: unknown };

export type ScoringRequest =
  | { kind: "scoring"; input: ScoringInput; params?: Record<string, unknown> }
  /** The unified LLM input: a body with messages, prompt or input (and params beside them). */
  | { kind: "llm"; body: Record<string, unknown> };

const SUPPORTED_FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;
const LLM_KEYS = ["messages", "prompt", "input"];

function unsupportedMediaType(message: string): MlflowError {
  // MLflow answers these with a bare 415; Edgeflow keeps its JSON error body.
  return new MlflowError("BAD_REQUEST", message, { status: 415 });
}

/** The content type's mime type, refusing other charsets and parameters (MLflow's 415s). */
export function scoringMimeType(contentType: string | null): "application/json" | "text/csv" {
  const [mime = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim());
  for (const parameter of parameters) {
    const [key = "", value = ""] = parameter.split("=").map((part) => part.trim());
    if (key.toLowerCase() !== "charset") {
      throw unsupportedMediaType(`Unrecognized content type parameters: ${key}.`);
    }
    if (value.replace(/"/g, "").toLowerCase() !== "utf-8") {
      throw unsupportedMediaType("The scoring server only supports UTF-8.");
    }
  }
  const lower = mime.toLowerCase();
  if (lower === "application/json" || lower === "text/csv") return lower;
  throw unsupportedMediaType(
    `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '${contentType ?? ""}'.`,
  );
}

export function parseScoringRequest(contentType: string | null, text: string): ScoringRequest {
  const mime = scoringMimeType(contentType);
  if (mime === "text/csv") return { kind: "scoring", input: parseCsv(text) };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `Failed to parse input from JSON. Ensure that input is a valid JSON formatted string. Error: '${(error as Error).message}'.`,
    );
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest(
      `The input must be a JSON dictionary with exactly one of the input fields ${formatList()}.`,
    );
  }
  const object = body as Record<string, unknown>;
  if (LLM_KEYS.some((key) => key in object)) return { kind: "llm", body: object };
  const formats = SUPPORTED_FORMATS.filter((key) => key in object);
  if (formats.length !== 1) {
    throw badRequest(
      `The input must be a JSON dictionary with exactly one of the input fields ${formatList()}. Received dictionary with input fields: ${JSON.stringify(Object.keys(object))}.`,
    );
  }
  const params = object.params;
  if (params !== undefined && (params === null || typeof params !== "object" || Array.isArray(params))) {
    throw badRequest("'params' must be a JSON object of parameter names and values.");
  }
  const format = formats[0] as (typeof SUPPORTED_FORMATS)[number];
  const value = object[format];
  const input =
    format === "dataframe_split"
      ? dataframeSplit(value)
      : format === "dataframe_records"
        ? dataframeRecords(value)
        : ({ format: "tensor", value } as const);
  if (input.format === "tensor" && (value === undefined || value === null)) {
    throw badRequest(`'${format}' must hold the model input.`);
  }
  return { kind: "scoring", input, params: params as Record<string, unknown> | undefined };
}

function formatList(): string {
  return `{${SUPPORTED_FORMATS.map((key) => `'${key}'`).join(", ")}}`;
}

function dataframeSplit(value: unknown): ScoringInput {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("'dataframe_split' must be an object with 'columns' and 'data' (pandas' split orient).");
  }
  const { columns, data } = value as { columns?: unknown; data?: unknown };
  if (!Array.isArray(data) || !data.every(Array.isArray)) {
    throw badRequest("'dataframe_split.data' must be a list of rows, each a list of values.");
  }
  const width = Math.max(0, ...data.map((row) => row.length));
  const names =
    columns === undefined
      ? Array.from({ length: width }, (_, i) => String(i))
      : Array.isArray(columns)
        ? columns.map(String)
        : null;
  if (!names || data.some((row) => row.length !== names.length)) {
    throw badRequest("'dataframe_split' rows must have one value per column.");
  }
  return { format: "dataframe", columns: names, rows: data as unknown[][] };
}

function dataframeRecords(value: unknown): ScoringInput {
  if (!Array.isArray(value) || !value.every((row) => row && typeof row === "object" && !Array.isArray(row))) {
    throw badRequest("'dataframe_records' must be a list of objects (pandas' records orient).");
  }
  const columns: string[] = [];
  for (const row of value as Record<string, unknown>[]) {
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  return {
    format: "dataframe",
    columns,
    rows: (value as Record<string, unknown>[]).map((row) => columns.map((column) => row[column] ?? null)),
  };
}

/** RFC 4180 CSV with a header row; numbers and booleans are read as such, as pandas does. */
export function parseCsv(text: string): ScoringInput {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw badRequest("Failed to parse CSV input: unterminated quoted field.");
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records.filter((row) => !(row.length === 1 && row[0] === ""));
  if (!header) throw badRequest("Failed to parse CSV input: it has no header row.");
  if (rows.some((row) => row.length !== header.length)) {
    throw badRequest("Failed to parse CSV input: every row must have as many fields as the header.");
  }
  return { format: "dataframe", columns: header, rows: rows.map((row) => row.map(csvValue)) };
}

function csvValue(field: string): unknown {
  if (field === "") return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(field)) return Number(field);
  if (field === "True" || field === "true") return true;
  if (field === "False" || field === "false") return false;
  return field;
}

/** The dataframe's rows as records (column → value). */
export function recordsOf(input: Extract<ScoringInput, { format: "dataframe" }>): Record<string, unknown>[] {
  return input.rows.map((row) => Object.fromEntries(input.columns.map((column, i) => [column, row[i]])));
}
