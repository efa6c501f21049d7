import type { AnyValueJson, KeyValueJson, OtelSpanJson } from "../otlp/span-json";

/**
 * Span attributes in MLflow's two forms. MLflow stores every attribute as JSON text
 * (dump_span_attribute_value: mlflow.spanType = `"LLM"`, mlflow.spanInputs = `{"x": 1}`) and
 * answers the decoded values (Span.to_otel_proto: json.loads each, then _set_otel_proto_anyvalue:
 * str → string_value, int → int_value, float → double_value, bool → bool_value, list →
 * array_value, dict → kvlist_value, None → unset). OTLP senders use either form: OpenTelemetry
 * SDK exporters and Edgeflow's serving log write the storage form, the 3.11 client's log_spans
 * the decoded one. MLflow 3.11 tells them apart per attribute (sanitize_attributes, when it
 * stores an OTLP span): a string that is JSON text of a string, list or dict is taken as stored
 * form and kept; any other value is JSON-encoded. Edgeflow applies the same rule on the way in
 * (storedAttributes) and decodes on the way out (answeredSpan), so derived.ts, trace search and
 * spanTypeOf read JSON text whatever form a span came in. Two departures from MLflow's storage,
 * neither visible in answers: a string that is not JSON at all is kept as written rather than
 * quoted (it is answered as is either way, and LIKE filters see it unquoted), and ints, doubles,
 * bools and bytes keep their own AnyValue. Event attributes are neither encoded nor decoded:
 * MLflow keeps them as the OTel event has them (SpanEvent.to_otel_proto).
 */

/** A parsed JSON value, numbers kept as their text so ints stay exact and floats stay floats. */
type Json =
  | { kind: "string"; value: string }
  | { kind: "int"; text: string }
  | { kind: "float"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "array"; items: Json[] }
  | { kind: "object"; entries: Map<string, Json> };

class NotJson extends Error {}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
/** A run of string characters needing no care: not a quote, backslash or control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters.
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** Python's json.loads grammar (it also takes NaN, Infinity and -Infinity). */
class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  parseWhole(): Json {
    const value = this.value();
    this.skip();
    if (this.at !== this.text.length) throw new NotJson();
    return value;
  }

  private skip() {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.at++;
    }
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  private value(): Json {
    this.skip();
    switch (this.text[this.at]) {
      case '"':
        return { kind: "string", value: this.string() };
      case "{":
        return this.object();
      case "[":
        return this.array();
      case "t":
        if (this.literal("true")) return { kind: "bool", value: true };
        break;
      case "f":
        if (this.literal("false")) return { kind: "bool", value: false };
        break;
      case "n":
        if (this.literal("null")) return { kind: "null" };
        break;
      case "N":
        if (this.literal("NaN")) return { kind: "float", value: Number.NaN };
        break;
      case "I":
        if (this.literal("Infinity")) return { kind: "float", value: Number.POSITIVE_INFINITY };
        break;
      default: {
        if (this.literal("-Infinity")) return { kind: "float", value: Number.NEGATIVE_INFINITY };
        NUMBER.lastIndex = this.at;
        const match = NUMBER.exec(this.text);
        if (!match) break;
        this.at += match[0].length;
        if (match[1] === undefined && match[2] === undefined) return { kind: "int", text: match[0] };
        return { kind: "float", value: Number(match[0]) };
      }
    }
    throw new NotJson();
  }

  private string(): string {
    this.at++; // the opening quote
    let out = "";
    for (;;) {
      PLAIN.lastIndex = this.at;
      const run = (PLAIN.exec(this.text) as RegExpExecArray)[0];
      out += run;
      this.at += run.length;
      const c = this.text[this.at++];
      if (c === '"') return out;
      // The end of the text, or a control character: json.loads (strict) wants those escaped.
      if (c !== "\\") throw new NotJson();
      const e = this.text[this.at++] as string;
      if (e === "u") {
        const hex = this.text.slice(this.at, this.at + 4);
        if (!HEX4.test(hex)) throw new NotJson();
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.at += 4;
      } else if (e in ESCAPES) {
        out += ESCAPES[e];
      } else {
        throw new NotJson();
      }
    }
  }

  private array(): Json {
    this.at++;
    const items: Json[] = [];
    this.skip();
    if (this.text[this.at] === "]") {
      this.at++;
      return { kind: "array", items };
    }
    for (;;) {
      items.push(this.value());
      this.skip();
      const c = this.text[this.at++];
      if (c === "]") return { kind: "array", items };
      if (c !== ",") throw new NotJson();
    }
  }

  private object(): Json {
    this.at++;
    // A Python dict: a repeated key keeps its first place and takes the last value.
    const entries = new Map<string, Json>();
    this.skip();
    if (this.text[this.at] === "}") {
      this.at++;
      return { kind: "object", entries };
    }
    for (;;) {
      this.skip();
      if (this.text[this.at] !== '"') throw new NotJson();
      const key = this.string();
      this.skip();
      if (this.text[this.at++] !== ":") throw new NotJson();
      entries.set(key, this.value());
      this.skip();
      const c = this.text[this.at++];
      if (c === "}") return { kind: "object", entries };
      if (c !== ",") throw new NotJson();
    }
  }
}

/** Characters JSON text can start with (after whitespace): anything else fails fast. */
const JSON_START = /^[\s]*["{[\-0-9tfnNI]/;

function parseJson(text: string): Json | undefined {
  if (!JSON_START.test(text)) return undefined;
  try {
    return new Parser(text).parseWhole();
  } catch (error) {
    if (error instanceof NotJson) return undefined;
    throw error;
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function doubleValue(value: number): AnyValueJson {
  // protobuf JSON writes the non-finite doubles as strings.
  if (Number.isNaN(value)) return { double_value: "NaN" };
  if (!Number.isFinite(value)) return { double_value: value > 0 ? "Infinity" : "-Infinity" };
  return { double_value: value };
}

/** _set_otel_proto_anyvalue of a decoded JSON value, in protobuf JSON. */
function anyValueOf(json: Json): AnyValueJson {
  switch (json.kind) {
    case "string":
      return { string_value: json.value };
    case "int": {
      // Fifteen characters or fewer is well inside int64 (and, but for "-0", canonical already).
      if (json.text.length <= 15) return { int_value: json.text === "-0" ? "0" : json.text };
      const int = BigInt(json.text);
      return int < INT64_MIN || int > INT64_MAX ? doubleValue(Number(json.text)) : { int_value: `${int}` };
    }
    case "float":
      return doubleValue(json.value);
    case "bool":
      return { bool_value: json.value };
    case "null":
      return {};
    case "array":
      return { array_value: json.items.length ? { values: json.items.map(anyValueOf) } : {} };
    case "object": {
      const values = [...json.entries].map(([key, value]) => ({ key, value: anyValueOf(value) }));
      return { kvlist_value: values.length ? { values } : {} };
    }
  }
}

/** A double as Python's json.dumps writes it: integral ones with ".0", so they read back as floats. */
function doubleText(value: unknown): string {
  const number = Number(value);
  if (Number.isNaN(number)) return "NaN";
  if (!Number.isFinite(number)) return number > 0 ? "Infinity" : "-Infinity";
  if (Object.is(number, -0)) return "-0.0";
  const text = String(number);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** MLflow's dump_span_attribute_value of a decoded AnyValue (json.dumps, its ", " and ": "). */
function jsonTextOf(value: AnyValueJson): string {
  if ("string_value" in value) return JSON.stringify(String(value.string_value));
  if ("bool_value" in value) return value.bool_value ? "true" : "false";
  if ("int_value" in value) return `${BigInt(value.int_value as string | number)}`;
  if ("double_value" in value) return doubleText(value.double_value);
  if ("bytes_value" in value) return JSON.stringify(String(value.bytes_value));
  if ("array_value" in value) {
    const values = ((value.array_value as { values?: AnyValueJson[] }).values ?? []).map(jsonTextOf);
    return `[${values.join(", ")}]`;
  }
  if ("kvlist_value" in value) {
    const values = ((value.kvlist_value as { values?: KeyValueJson[] }).values ?? []).map(
      (kv) => `${JSON.stringify(kv.key)}: ${jsonTextOf(kv.value)}`,
    );
    return `{${values.join(", ")}}`;
  }
  return "null";
}

/**
 * An attribute value as Edgeflow stores it: arrays and key-value lists become their JSON text; a
 * string stays as written when it is JSON text of a string, list or dict (the storage form) or no
 * JSON at all, and is JSON-encoded when it reads as a number, bool or null ("42" → `"42"`), so it
 * is answered as the string it was; ints, doubles, bools, bytes and empty values stay as they are.
 */
export function storedValue(value: AnyValueJson): AnyValueJson {
  if ("array_value" in value || "kvlist_value" in value) return { string_value: jsonTextOf(value) };
  if (typeof value.string_value !== "string") return value;
  const kind = jsonKindOf(value.string_value);
  if (kind === undefined || kind === "string" || kind === "array" || kind === "object") return value;
  return { string_value: JSON.stringify(value.string_value) };
}

/** What JSON text holds at its top, by the engine's JSON.parse (Python's grammar only adds NaN and Infinity). */
function jsonKindOf(text: string): Json["kind"] | undefined {
  if (!JSON_START.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return /NaN|Infinity/.test(text) ? parseJson(text)?.kind : undefined;
  }
  if (parsed === null) return "null";
  if (Array.isArray(parsed)) return "array";
  if (typeof parsed === "number") return "float"; // int or float alike: neither is kept as is
  if (typeof parsed === "boolean") return "bool";
  return typeof parsed === "string" ? "string" : "object";
}

export const storedAttributes = (attributes: KeyValueJson[]): KeyValueJson[] =>
  attributes.map((kv) => ({ key: kv.key, value: storedValue(kv.value) }));

/** An attribute value as MLflow answers it: a string holding JSON text decoded, anything else as is. */
export function answeredValue(value: AnyValueJson): AnyValueJson {
  if (typeof value.string_value !== "string") return value;
  const parsed = parseJson(value.string_value);
  return parsed === undefined ? value : anyValueOf(parsed);
}

/** A stored span as get_trace answers it (Span.to_otel_proto): its attributes decoded. */
export function answeredSpan(span: OtelSpanJson): OtelSpanJson {
  if (!span.attributes?.length) return span;
  return {
    ...span,
    attributes: span.attributes.map((kv) => ({ key: kv.key, value: answeredValue(kv.value) })),
  };
}

/** The decoded value of stored JSON text when it is a string, else the text itself. */
export function decodedString(text: string): string {
  const parsed = parseJson(text);
  return parsed?.kind === "string" ? parsed.value : text;
}
