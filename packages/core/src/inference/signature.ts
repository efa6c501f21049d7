import { badRequest } from "./errors";

/** MLflow model signatures (mlflow/types/schema.py), as the MLmodel file stores them (JSON strings). */
export interface ColumnSpec {
  kind: "column";
  name?: string;
  type: string;
  required: boolean;
}

export interface TensorSpec {
  kind: "tensor";
  name?: string;
  dtype: string;
  shape: number[];
}

export interface ParamSpec {
  name: string;
  type: string;
  default: unknown;
  shape: number[] | null;
}

export interface Signature {
  inputs: (ColumnSpec | TensorSpec)[];
  outputs: unknown[];
  params: ParamSpec[];
}

function parseJsonList(value: unknown): Record<string, unknown>[] {
  if (value === null || value === undefined) return [];
  const parsed = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
}

export function parseSignature(raw: unknown): Signature | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { inputs, outputs, params } = raw as Record<string, unknown>;
  return {
    inputs: parseJsonList(inputs).map((spec) => {
      const name = typeof spec.name === "string" ? spec.name : undefined;
      if (spec.type === "tensor") {
        const tensor = (spec["tensor-spec"] ?? {}) as { dtype?: string; shape?: number[] };
        return { kind: "tensor", name, dtype: tensor.dtype ?? "float32", shape: tensor.shape ?? [-1] };
      }
      return { kind: "column", name, type: String(spec.type), required: spec.required !== false };
    }),
    outputs: parseJsonList(outputs),
    params: parseJsonList(params).map((spec) => ({
      name: String(spec.name),
      type: String(spec.type),
      default: spec.default,
      shape: (spec.shape as number[] | null) ?? null,
    })),
  };
}

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "long":
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "double":
    case "float":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "binary":
      return typeof value === "string";
    case "datetime":
      return typeof value === "string" || typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/**
 * The request's params with the signature's defaults filled in, each checked against its declared
 * type (MLflow's _enforce_params_schema). Params the signature does not declare are refused; a
 * model without a params schema accepts none.
 */
export function enforceParams(
  signature: Signature | undefined,
  params: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const specs = signature?.params ?? [];
  const given = params ?? {};
  const out: Record<string, unknown> = {};
  for (const spec of specs)
    if (spec.default !== null && spec.default !== undefined) out[spec.name] = spec.default;
  for (const [name, value] of Object.entries(given)) {
    const spec = specs.find((candidate) => candidate.name === name);
    if (!spec) {
      const known = specs.map((candidate) => candidate.name);
      throw badRequest(
        `Unrecognized param '${name}'. ${known.length > 0 ? `This model's params are: ${known.join(", ")}.` : "This model takes no params."}`,
      );
    }
    const ok = spec.shape
      ? Array.isArray(value) && value.every((item) => matchesType(spec.type, item))
      : matchesType(spec.type, value);
    if (!ok) {
      throw badRequest(
        `Param '${name}' must be of type ${spec.type}${spec.shape ? " (a list)" : ""}, got ${JSON.stringify(value)}.`,
      );
    }
    out[name] = value;
  }
  return out;
}

/**
 * Checks rows (column → value) against column specs: required named columns present, every value
 * of the declared type. An unnamed spec applies to the only column.
 */
export function enforceColumns(signature: Signature | undefined, rows: Record<string, unknown>[]): void {
  const specs = (signature?.inputs ?? []).filter((spec): spec is ColumnSpec => spec.kind === "column");
  if (specs.length === 0) return;
  for (const [index, row] of rows.entries()) {
    for (const spec of specs) {
      const key = spec.name ?? Object.keys(row)[0];
      const value = key === undefined ? undefined : row[key];
      if (value === undefined || value === null) {
        if (spec.required) {
          throw badRequest(
            `Failed to enforce schema: row ${index} is missing the required input ${spec.name ? `'${spec.name}'` : "column"} (${spec.type}).`,
          );
        }
        continue;
      }
      if (!matchesType(spec.type, value)) {
        throw badRequest(
          `Failed to enforce schema: input ${spec.name ? `'${spec.name}'` : "column"} must be of type ${spec.type}, got ${JSON.stringify(value)} in row ${index}.`,
        );
      }
    }
  }
}
