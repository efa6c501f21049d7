/**
 * A small declaration language for MLflow's protobuf messages. One declaration gives the
 * TypeScript type (`Infer`), the request parser (protobuf JSON rules plus MLflow's "required"
 * checks) and the response encoder (protobuf JSON: unset fields and empty lists are omitted,
 * non-finite doubles become "NaN" / "Infinity" / "-Infinity").
 */
import { MlflowError } from "./errors";

const API_DOCS_HINT = " See the API docs for more information about request parameters.";

interface FieldBase<T> {
  readonly required: boolean;
  /** A repeated field: a query string carries a one-element list as a bare value. */
  readonly isList?: boolean;
  /** Rewrites a query-string value before `decode` (MLflow reads query booleans case-insensitively). */
  readonly fromQuery?: (value: unknown) => unknown;
  /** Converts a JSON (or query-string) value into T, or throws with the parameter's name. */
  decode(value: unknown, name: string): T;
  /** Converts T into its JSON form; `undefined` means "omit the field". */
  encode(value: T): unknown;
}

export interface Field<T, R extends boolean = false> extends FieldBase<T> {
  readonly required: R;
  /** The same field, reported as missing when absent (or an empty string, as MLflow does). */
  req(): Field<T, true>;
}

/**
 * JSON numbers written with a fraction or an exponent ("9.0", "1e3") that JavaScript reads as
 * integers: Python reads them as floats, and MLflow's messages show them so ("9.0", 'float').
 * `parseJson` records them per holder object and key; the messages below look them up.
 */
const floatLiterals = new WeakMap<object, Set<string>>();

function isFloatLiteral(holder: unknown, key: string): boolean {
  return typeof holder === "object" && holder !== null && (floatLiterals.get(holder)?.has(key) ?? false);
}

/** JSON.parse, remembering which integral numbers were written as floats (see floatLiterals). */
export function parseJson(text: string): unknown {
  return JSON.parse(
    text,
    function (this: unknown, key: string, value: unknown, context?: { source?: string }) {
      if (
        typeof value === "number" &&
        Number.isInteger(value) &&
        typeof this === "object" &&
        this !== null &&
        /[.eE]/.test(context?.source ?? "")
      ) {
        const keys = floatLiterals.get(this) ?? new Set<string>();
        keys.add(key);
        floatLiterals.set(this, keys);
      }
      return value;
    },
  );
}

/** MLflow reports type errors with Python's type names; callers see the same hints. */
function pythonTypeName(value: unknown, isFloat = false): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  switch (typeof value) {
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) && !isFloat ? "int" : "float";
    case "object":
      return "dict";
    default:
      return typeof value;
  }
}

/** Python's repr of a float. */
function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e16 || (magnitude !== 0 && magnitude < 1e-4)) {
    return value.toExponential().replace(/e([+-])(\d)$/, (_, sign, digit) => `e${sign}0${digit}`);
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** Python's repr of a str: single quotes unless the text has one and no double quote. */
function pythonString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** Python's repr of a JSON value as json.loads gives it (dict, list, str, int, float, bool, None). */
function pythonReprOf(value: unknown, isFloat: boolean): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number")
    return Number.isInteger(value) && !isFloat ? String(value) : pythonFloat(value);
  if (Array.isArray(value)) {
    return `[${value.map((entry, i) => pythonReprOf(entry, isFloatLiteral(value, String(i)))).join(", ")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, entry]) => `${pythonString(key)}: ${pythonReprOf(entry, isFloatLiteral(value, key))}`,
    );
    return `{${entries.join(", ")}}`;
  }
  return String(value);
}

/** What MLflow's f"{value}" prints: a str bare, anything else as its repr. */
function pythonStr(value: unknown, isFloat: boolean): string {
  return typeof value === "string" ? value : pythonReprOf(value, isFloat);
}

/** `isFloat`: the value is an integral number the request wrote as a float (see parseJson). */
export function invalidValue(value: unknown, name: string, isFloat = false): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid value ${pythonStr(value, isFloat)} for parameter '${name}' supplied. Hint: Value was of type '${pythonTypeName(value, isFloat)}'.${API_DOCS_HINT}`,
  );
}

export function missingValue(name: string): MlflowError {
  return MlflowError.invalidParameter(`Missing value for required parameter '${name}'.${API_DOCS_HINT}`);
}

function field<T>(
  decode: (value: unknown, name: string) => T,
  encode: (value: T) => unknown = (v) => v,
  isList = false,
) {
  const make = <R extends boolean>(required: R): Field<T, R> => ({
    required,
    isList,
    decode,
    encode,
    req: () => make(true),
  });
  return make(false);
}

export const string = () =>
  field<string>((value, name) => {
    if (typeof value === "string") return value;
    throw invalidValue(value, name);
  });

const INT64_PATTERN = /^-?\d+$/;

/** int64 travels as a JSON number or a decimal string (protobuf accepts both). */
export const int64 = () =>
  field<number>((value, name) => {
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && INT64_PATTERN.test(value.trim())) {
      const parsed = Number(value.trim());
      if (Number.isSafeInteger(parsed)) return parsed;
    }
    throw invalidValue(value, name);
  });

const SPECIAL_DOUBLES: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

export const double = () =>
  field<number>(
    (value, name) => {
      if (typeof value === "number") return value;
      if (typeof value === "string") {
        const special = SPECIAL_DOUBLES[value];
        if (special !== undefined) return special;
        const parsed = Number(value);
        if (value.trim() !== "" && !Number.isNaN(parsed)) return parsed;
      }
      throw invalidValue(value, name);
    },
    (value) => {
      if (Number.isFinite(value)) return value;
      if (Number.isNaN(value)) return "NaN";
      return value > 0 ? "Infinity" : "-Infinity";
    },
  );

const decodeBool = (value: unknown, name: string): boolean => {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidValue(value, name);
};

/** JSON bodies take true/false; a query string also "True"/"FALSE" (Python clients send `str(False)`). */
export const bool = () => {
  const base = field<boolean>(decodeBool);
  const fromQuery = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);
  const make = <R extends boolean>(required: R): Field<boolean, R> => ({
    ...base,
    required,
    fromQuery,
    req: () => make(true),
  });
  return make(false);
};

/** A protobuf enum's numbers from its names in .proto order: the first is `first`, each next one more. */
export const numbered = <const E extends readonly string[]>(names: E, first: number) =>
  Object.fromEntries(names.map((name, i) => [name, first + i])) as { readonly [K in E[number]]: number };

/** A protobuf enum: written by name, read by name or by number as protobuf's JSON parser does. */
export const enumOf = <const E extends Record<string, number>>(numbers: E) =>
  field<keyof E & string>((value, name) => {
    if (typeof value === "string" && Object.hasOwn(numbers, value)) return value;
    const asNumber = typeof value === "string" && INT64_PATTERN.test(value) ? Number(value) : value;
    if (typeof asNumber === "number") {
      const match = Object.keys(numbers).find((key) => numbers[key] === asNumber);
      if (match !== undefined) return match;
    }
    throw invalidValue(value, name);
  });

/**
 * `listErrors`: an entry that does not decode is reported as the whole list's invalid value, as
 * MLflow's log-batch does for a metric, param or tag missing a required field.
 */
export const repeated = <T>(item: Field<T, boolean>, { listErrors = false } = {}) =>
  field<T[]>(
    (value, name) => {
      if (!Array.isArray(value)) throw invalidValue(value, name);
      if (!listErrors) return value.map((entry) => item.decode(entry, name));
      try {
        return value.map((entry) => item.decode(entry, name));
      } catch (error) {
        if (error instanceof MlflowError) throw invalidValue(value, name);
        throw error;
      }
    },
    (value) => (value.length === 0 ? undefined : value.map((entry) => item.encode(entry))),
    true,
  );

/** A protobuf map<string, string>: a JSON object of strings. */
export const stringMap = () =>
  field<Record<string, string>>(
    (value, name) => {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw invalidValue(value, name);
      if (!Object.values(value).every((entry) => typeof entry === "string")) throw invalidValue(value, name);
      return value as Record<string, string>;
    },
    (value) => (Object.keys(value).length === 0 ? undefined : value),
  );

// biome-ignore lint/suspicious/noExplicitAny: a spec holds fields of every type.
export type Spec = Record<string, Field<any, boolean>>;

type RequiredKeys<S extends Spec> = { [K in keyof S]: S[K]["required"] extends true ? K : never }[keyof S];
type OptionalKeys<S extends Spec> = Exclude<keyof S, RequiredKeys<S>>;
type FieldType<F> = F extends Field<infer T, boolean> ? T : never;

export type Infer<S extends Spec> = { [K in RequiredKeys<S>]: FieldType<S[K]> } & {
  [K in OptionalKeys<S>]?: FieldType<S[K]>;
};

export interface MessageField<S extends Spec, R extends boolean = false> extends Field<Infer<S>, R> {
  readonly spec: S;
  /** Decodes a whole JSON request body (field names are reported bare). */
  parse(value: unknown): Infer<S>;
  /** Decodes GET parameters, where a list of one arrives as a bare value. */
  parseQuery(query: Record<string, unknown>): Infer<S>;
  req(): MessageField<S, true>;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

export function message<S extends Spec>(spec: S): MessageField<S> {
  const decodeObject = (value: unknown, name: string): Infer<S> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw invalidValue(value, name);
    }
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, fieldSpec] of Object.entries(spec)) {
      const raw = input[key];
      if (isAbsent(raw) || (fieldSpec.required && raw === "")) {
        if (fieldSpec.required) throw missingValue(key);
        continue;
      }
      try {
        out[key] = fieldSpec.decode(raw, key);
      } catch (error) {
        // "9.0" reached us as 9: say it as MLflow does.
        if (typeof raw === "number" && isFloatLiteral(input, key)) throw invalidValue(raw, key, true);
        throw error;
      }
    }
    return out as Infer<S>;
  };
  const encodeObject = (value: Infer<S>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const input = value as Record<string, unknown>;
    for (const [key, fieldSpec] of Object.entries(spec)) {
      const raw = input[key];
      if (raw === undefined || raw === null) continue;
      const encoded = fieldSpec.encode(raw);
      if (encoded !== undefined) out[key] = encoded;
    }
    return out;
  };
  const make = <R extends boolean>(required: R): MessageField<S, R> => ({
    spec,
    required,
    decode: decodeObject,
    encode: encodeObject,
    parse: (value) => decodeObject(value ?? {}, "request"),
    parseQuery: (query) => {
      const lists = Object.fromEntries(
        Object.entries(query).map(([key, value]) => {
          const fieldSpec = spec[key];
          const read = fieldSpec?.fromQuery ? fieldSpec.fromQuery(value) : value;
          return [key, fieldSpec?.isList && !Array.isArray(read) ? [read] : read];
        }),
      );
      return decodeObject(lists, "request");
    },
    req: () => make(true),
  });
  return make(false);
}

/** Encodes a response message as protobuf JSON would. */
export function encodeMessage<S extends Spec>(type: MessageField<S, boolean>, value: Infer<S>): string {
  return JSON.stringify(type.encode(value));
}
