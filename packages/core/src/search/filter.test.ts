import { MlflowError } from "@edgeflow/schema";
import { describe, expect, it } from "vitest";
import { compileRunSearch, parseRunFilter } from "./index";

function errorOf(action: () => unknown): MlflowError {
  try {
    action();
  } catch (error) {
    if (error instanceof MlflowError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

const B49 = "b".repeat(49);

// [filter, expected clauses]
const valid: [string, unknown[]][] = [
  ["metric.acc >= 0.94", [{ type: "metric", key: "acc", comparator: ">=", value: 0.94 }]],
  ["metric.acc>=100", [{ type: "metric", key: "acc", comparator: ">=", value: 100 }]],
  ["params.m!='tf'", [{ type: "parameter", key: "m", comparator: "!=", value: "tf" }]],
  ['params."m"!="tf"', [{ type: "parameter", key: "m", comparator: "!=", value: "tf" }]],
  ['metric."legit name" >= 0.243', [{ type: "metric", key: "legit name", comparator: ">=", value: 0.243 }]],
  ["metrics.XYZ = 3", [{ type: "metric", key: "XYZ", comparator: "=", value: 3 }]],
  ['params."cat dog" = "pets"', [{ type: "parameter", key: "cat dog", comparator: "=", value: "pets" }]],
  ['metrics."X//Y#$$@&Z" = 3', [{ type: "metric", key: "X//Y#$$@&Z", comparator: "=", value: 3 }]],
  [
    "metrics.rmse < 1 and params.model_class = 'LR'",
    [
      { type: "metric", key: "rmse", comparator: "<", value: 1 },
      { type: "parameter", key: "model_class", comparator: "=", value: "LR" },
    ],
  ],
  ["", []],
  ["   ", []],
  ["`metric`.a >= 0.1", [{ type: "metric", key: "a", comparator: ">=", value: 0.1 }]],
  [
    "`tags`.source_name = 'a notebook'",
    [{ type: "tag", key: "source_name", comparator: "=", value: "a notebook" }],
  ],
  ['metrics."accuracy.2.0" > 5', [{ type: "metric", key: "accuracy.2.0", comparator: ">", value: 5 }]],
  ["metrics.`spacey name` > 5", [{ type: "metric", key: "spacey name", comparator: ">", value: 5 }]],
  ["params.`a.b` = 'x'", [{ type: "parameter", key: "a.b", comparator: "=", value: "x" }]],
  ['tags."t.a.g" = "a"', [{ type: "tag", key: "t.a.g", comparator: "=", value: "a" }]],
  ["tags.mlflow.runName = 'x'", [{ type: "tag", key: "mlflow.runName", comparator: "=", value: "x" }]],
  [
    "attribute.artifact_uri = '1/23/4'",
    [{ type: "attribute", key: "artifact_uri", comparator: "=", value: "1/23/4" }],
  ],
  ["attribute.start_time >= 1234", [{ type: "attribute", key: "start_time", comparator: ">=", value: 1234 }]],
  ["run.status = 'RUNNING'", [{ type: "attribute", key: "status", comparator: "=", value: "RUNNING" }]],
  ["attr.user_id = 'u'", [{ type: "attribute", key: "user_id", comparator: "=", value: "u" }]],
  ["status = 'FAILED'", [{ type: "attribute", key: "status", comparator: "=", value: "FAILED" }]],
  ["created > 5", [{ type: "attribute", key: "start_time", comparator: ">", value: 5 }]],
  ["attributes.Created <= -1", [{ type: "attribute", key: "start_time", comparator: "<=", value: -1 }]],
  ["end_time != 7", [{ type: "attribute", key: "end_time", comparator: "!=", value: 7 }]],
  ["\"run name\" = 'x'", [{ type: "attribute", key: "run_name", comparator: "=", value: "x" }]],
  [
    "attributes.`Run Name` LIKE 'a%'",
    [
      {
        type: "attribute",
        key: "run_name",
        comparator: "LIKE",
        value: "a%",
        like: { kind: "prefix", text: "a" },
      },
    ],
  ],
  ["attributes.run_name = 'r'", [{ type: "attribute", key: "run_name", comparator: "=", value: "r" }]],
  ["run_id IN ('a', 'b')", [{ type: "attribute", key: "run_id", comparator: "IN", value: ["a", "b"] }]],
  [
    "attributes.run_id NOT IN ('a')",
    [{ type: "attribute", key: "run_id", comparator: "NOT IN", value: ["a"] }],
  ],
  ["params.p in ('x','y')", [{ type: "parameter", key: "p", comparator: "IN", value: ["x", "y"] }]],
  ["tags.t not in (\"x\", 'y')", [{ type: "tag", key: "t", comparator: "NOT IN", value: ["x", "y"] }]],
  ["status IN ('FAILED')", [{ type: "attribute", key: "status", comparator: "IN", value: ["FAILED"] }]],
  [
    "params.p like '%x%'",
    [
      {
        type: "parameter",
        key: "p",
        comparator: "LIKE",
        value: "%x%",
        like: { kind: "contains", text: "x" },
      },
    ],
  ],
  [
    "params.p LIKE '%%x'",
    [{ type: "parameter", key: "p", comparator: "LIKE", value: "%%x", like: { kind: "suffix", text: "x" } }],
  ],
  [
    "params.p LIKE 'x'",
    [{ type: "parameter", key: "p", comparator: "LIKE", value: "x", like: { kind: "exact", text: "x" } }],
  ],
  [
    "params.p LIKE '%'",
    [{ type: "parameter", key: "p", comparator: "LIKE", value: "%", like: { kind: "any" } }],
  ],
  [
    "params.p LIKE 'a*[_'",
    [
      {
        type: "parameter",
        key: "p",
        comparator: "LIKE",
        value: "a*[_",
        like: { kind: "glob", pattern: "a[*][[]?" },
      },
    ],
  ],
  [
    "tags.t ILIKE 'A_c'",
    [{ type: "tag", key: "t", comparator: "ILIKE", value: "A_c", like: { kind: "like", pattern: "A_c" } }],
  ],
  [
    `params.p LIKE 'a_${"b".repeat(48)}'`,
    [
      {
        type: "parameter",
        key: "p",
        comparator: "LIKE",
        value: `a_${"b".repeat(48)}`,
        like: { kind: "glob", pattern: `a?${"b".repeat(48)}` },
      },
    ],
  ],
  [
    `params.p LIKE '${"x".repeat(300)}%'`,
    [
      {
        type: "parameter",
        key: "p",
        comparator: "LIKE",
        value: `${"x".repeat(300)}%`,
        like: { kind: "prefix", text: "x".repeat(300) },
      },
    ],
  ],
  ["metrics.m = -1.5e3", [{ type: "metric", key: "m", comparator: "=", value: -1500 }]],
  ["metrics.m > .5", [{ type: "metric", key: "m", comparator: ">", value: 0.5 }]],
  ["metrics.m < 1E+2", [{ type: "metric", key: "m", comparator: "<", value: 100 }]],
  ["metrics.m >= 1e400", [{ type: "metric", key: "m", comparator: ">=", value: Number.MAX_VALUE }]],
  ["metrics.m <= -1e400", [{ type: "metric", key: "m", comparator: "<=", value: -Number.MAX_VALUE }]],
  ["dataset.name = 'my_dataset'", [{ type: "dataset", key: "name", comparator: "=", value: "my_dataset" }]],
  [
    "datasets.digest IN ('d1', 'd2')",
    [{ type: "dataset", key: "digest", comparator: "IN", value: ["d1", "d2"] }],
  ],
  [
    "datasets.context ILIKE 'train%'",
    [
      {
        type: "dataset",
        key: "context",
        comparator: "ILIKE",
        value: "train%",
        like: { kind: "prefix", text: "train" },
      },
    ],
  ],
  ['params.m = "L\'Hosp"', [{ type: "parameter", key: "m", comparator: "=", value: "L'Hosp" }]],
  // MLflow compares the text between the quotes as written, escapes included.
  ["params.m = 'it''s'", [{ type: "parameter", key: "m", comparator: "=", value: "it''s" }]],
  ["params.p = ''", [{ type: "parameter", key: "p", comparator: "=", value: "" }]],
  [
    "metrics.a > 1 AND metrics.b < 2 AND params.c = 'd'",
    [
      { type: "metric", key: "a", comparator: ">", value: 1 },
      { type: "metric", key: "b", comparator: "<", value: 2 },
      { type: "parameter", key: "c", comparator: "=", value: "d" },
    ],
  ],
  ["tags.`a b` != 'c and d'", [{ type: "tag", key: "a b", comparator: "!=", value: "c and d" }]],
];

// [filter, expected error substring]
const invalid: [string, string][] = [
  ["metric.acc >= 0.94; metrics.rmse < 1", "Search filter contained multiple expression"],
  [
    "m.acc >= 0.94",
    "Invalid entity type 'm'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
  ],
  ['"metric".a > 1', `Invalid entity type '"metric"'`],
  ["acc >= 0.94", "Invalid attribute key 'acc' specified. Valid keys are"],
  ["attribute.experiment_id != 1", "Invalid attribute key 'experiment_id'"],
  ["attribute.lifecycle_stage = 'ACTIVE'", "Invalid attribute key"],
  [
    "metrics.A > 0.1 OR params.B = 'LR'",
    "Invalid clause(s) in filter string: 'metrics.A > 0.1 OR params.B = 'LR''",
  ],
  ["metrics.A > 0.1 NAND params.B = 'LR'", "Invalid clause(s) in filter string"],
  ["metrics.A > 0.1 AND (params.B = 'LR')", "Invalid clause(s) in filter string: '(params.B = 'LR')'"],
  ["(metrics.A > 0.1)", "Invalid clause(s) in filter string"],
  ["`metrics.A > 0.1", "Invalid clause(s) in filter string"],
  ["param`.A > 0.1", "Invalid clause(s) in filter string"],
  ["attribute.status = true", "Invalid clause(s) in filter string"],
  ["dataset.status = 'true'", "Invalid dataset key 'status' specified"],
  ["datasets.profile = 'x'", "Invalid dataset key"],
  ["metric.model = 'LR'", "Expected numeric value type for metric. Found 'LR'"],
  ["metrics.acc != metrics.acc", "Expected numeric value type for metric. Found metrics.acc"],
  ["params.acc = 5", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 5"],
  ["tags.acc = 5", "Expected a quoted string value for tag"],
  ["1.0 > metrics.acc", "Invalid comparison clause. Expected 'Identifier' found '1.0'"],
  ["1=1", "Expected 'Identifier' found '1'"],
  ["attribute.status = 1", "Expected a quoted string value for attributes. Got value 1"],
  [
    "params.acc = LR",
    "Parameter value is either not quoted or unidentified quote types used for string value LR",
  ],
  ["params.acc = `LR`", "value is either not quoted or unidentified quote types"],
  ["params.acc = 'LR", "Invalid clause(s) in filter string"],
  ["tags.acc = = 'LR'", "Invalid clause(s) in filter string"],
  ["attribute.status IS 'RUNNING'", "Invalid clause(s) in filter string"],
  ["params.acc LR !=", "Invalid clause(s) in filter string"],
  ["metric.acc !=", "Invalid clause(s) in filter string"],
  ["foo is null", "Invalid clause(s) in filter string"],
  ["metrics.a <> 1", "Invalid comparator '<>' not one of '{'=', '!=', '<', '<=', '>', '>='}'"],
  ["metrics.a == 1", "Invalid comparator '=='"],
  ["metrics.a ~ 1", "Invalid comparator '~'"],
  ["metrics.a LIKE 1", "Invalid comparator 'LIKE'"],
  ["params.a > 'x'", "Invalid comparator '>' not one of"],
  ["tags.a <= 'x'", "Invalid comparator '<='"],
  ["attributes.status >= 'x'", "Invalid comparator '>='"],
  ["attributes.start_time LIKE 5", "Invalid comparator 'LIKE'"],
  ["attributes.start_time = '5'", "Expected numeric value type for numeric attribute: start_time. Found '5'"],
  ["created IN ('5')", "Expected numeric value type for numeric attribute: created. Found ('5')"],
  ["datasets.name >= 'x'", "Invalid comparator '>='"],
  ["run_id IN ()", "expected a non-empty list of string values, but got empty list"],
  ["run_id IN ('a' 'b')", "but got ill-formed list."],
  ["run_id IN ('a',)", "but got ill-formed list."],
  ["run_id IN (('a'))", "but got ill-formed list."],
  ["run_id IN (1, 2)", "but got different type in list: (1, 2)"],
  ["run_id IN ('a', b)", "but got different type in list"],
  ["run_id IN ('a'", "Invalid clause(s) in filter string"],
  ["metrics.a IN (1, 2)", "Expected numeric value type for metric. Found (1, 2)"],
  ["params.a IN 'x'", "IN expects a parenthesised list of quoted strings"],
  ["params.a NOT LIKE 'x'", "Invalid clause(s) in filter string"],
  ["params.a = ('x')", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('x')"],
  ["metrics.a > 1 AND", "Invalid clause(s) in filter string: 'AND'"],
  ["metrics.a > 1 trailing", "Invalid clause(s) in filter string: 'metrics.a > 1 trailing'"],
  ["metrics.a > 1 AND AND metrics.b > 1", "Invalid clause(s) in filter string"],
  ["metrics.a > 1;", "Invalid clause(s) in filter string"],
  ["metrics.a > 1 # comment", "Invalid clause(s) in filter string"],
  ["metrics. = 1", "Invalid clause(s) in filter string"],
  ["metrics.a > 1abc", "Invalid clause(s) in filter string"],
  ["AND", "Invalid clause(s) in filter string"],
  [`params.p LIKE 'a_${B49}'`, "limited to 50 bytes (UTF-8) by the database, and this one needs 51"],
  [`params.p LIKE '_${"*".repeat(17)}'`, "this one needs 52"],
  [`params.p ILIKE '_${"é".repeat(25)}'`, "ILIKE pattern"],
  [`params.p = '${"x".repeat(20_000)}'`, "The filter string is too long"],
];

describe("parseRunFilter", () => {
  it.each(valid)("parses %s", (filter, expected) => {
    expect(parseRunFilter(filter)).toEqual(expected);
  });

  it.each(invalid)("rejects %s", (filter, message) => {
    const error = errorOf(() => parseRunFilter(filter));
    expect(error.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toContain(message);
  });

  it("treats a missing filter as no clauses", () => {
    expect(parseRunFilter(undefined)).toEqual([]);
    expect(parseRunFilter(null)).toEqual([]);
  });

  it("rejects a filter that would need more than 100 bound parameters", () => {
    const clause = (i: number) => `params.p${i} = 'v'`;
    const search = (n: number) =>
      compileRunSearch({
        experimentIds: [1],
        filter: Array.from({ length: n }, (_, i) => clause(i)).join(" AND "),
        viewType: "ALL",
        offset: 0,
        limit: 10,
      });
    // One parameter for the experiment ids, two per clause.
    expect(() => search(49)).not.toThrow();
    const error = errorOf(() => search(60));
    expect(error.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toContain("it needs 121 bound parameters and the database accepts at most 100");
  });

  it("passes a long IN list as a single parameter", () => {
    const ids = Array.from({ length: 500 }, (_, i) => `'${i.toString(16).padStart(32, "0")}'`);
    expect(() =>
      compileRunSearch({
        experimentIds: [1],
        filter: `run_id IN (${ids.join(",")})`,
        viewType: "ALL",
        offset: 0,
        limit: 1,
      }),
    ).not.toThrow();
  });
});
