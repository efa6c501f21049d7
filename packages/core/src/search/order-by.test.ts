import { MlflowError } from "@edgeflow/schema";
import { describe, expect, it } from "vitest";
import { decodePageToken, encodePageToken, parseExperimentOrderBy, parseRunOrderBy } from "./index";

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof MlflowError && error.errorCode === "INVALID_PARAMETER_VALUE") return error.message;
    throw error;
  }
  throw new Error("expected an error");
}

describe("parseRunOrderBy", () => {
  it.each<[string, unknown]>([
    ["metrics.acc DESC", { type: "metric", key: "acc", ascending: false }],
    ["params.`a b` asc", { type: "parameter", key: "a b", ascending: true }],
    ['params."a.b"', { type: "parameter", key: "a.b", ascending: true }],
    ["start_time", { type: "attribute", key: "start_time", ascending: true }],
    ["attributes.run_name", { type: "attribute", key: "run_name", ascending: true }],
    ["attributes.Created DESC", { type: "attribute", key: "start_time", ascending: false }],
    ["tag.t    dEsC", { type: "tag", key: "t", ascending: false }],
    ["metrics.`Mean Square Error`", { type: "metric", key: "Mean Square Error", ascending: true }],
    ["`metric`.a aSc", { type: "metric", key: "a", ascending: true }],
    ["run_id", { type: "attribute", key: "run_id", ascending: true }],
  ])("parses %s", (entry, expected) => {
    expect(parseRunOrderBy([entry])).toEqual([expected]);
  });

  it.each<[string, string]>([
    ["m.acc", "Invalid entity type 'm'"],
    ["acc", "Invalid attribute key 'acc'"],
    ["`metrics.A`", "Invalid entity type '`metrics'"],
    ["`metrics.A", "Invalid order_by clause '`metrics.A'. Could not be parsed."],
    ["attribute.experiment_id", "Invalid attribute key"],
    ["attributes.`Run name`", "Invalid attribute key 'Run name'"],
    ["metrics.A != 1", "Invalid order_by clause"],
    ["params.my_param ", "Invalid order_by clause"],
    [" params.my_param", "Invalid order_by clause"],
    ["", "Invalid order_by clause"],
    ["attribute.run_id ACS", "Invalid ordering key in order_by clause 'attribute.run_id ACS'."],
    ["attribute.run_id decs", "Invalid ordering key"],
    ["metrics.a DESC extra", "Invalid order_by clause"],
    ["dataset.name", "Invalid identifier type 'dataset'"],
  ])("rejects %s", (entry, message) => {
    expect(messageOf(() => parseRunOrderBy([entry]))).toContain(message);
  });

  it("rejects duplicate fields, aliases included", () => {
    expect(messageOf(() => parseRunOrderBy(["metrics.a", "metrics.a DESC"]))).toBe(
      "`order_by` contains duplicate fields: ['metrics.a', 'metrics.a DESC']",
    );
    expect(messageOf(() => parseRunOrderBy(["start_time", "created DESC"]))).toContain("duplicate fields");
    expect(parseRunOrderBy(["metrics.a", "params.a", "tags.a"])).toHaveLength(3);
  });

  it("bounds the number of keys", () => {
    const many = Array.from({ length: 21 }, (_, i) => `metrics.m${i}`);
    expect(messageOf(() => parseRunOrderBy(many))).toContain("Too many order_by entries: 21");
  });
});

describe("parseExperimentOrderBy", () => {
  it("defaults to creation_time DESC, experiment_id ASC", () => {
    const expected = [
      { key: "creation_time", ascending: false },
      { key: "experiment_id", ascending: true },
    ];
    expect(parseExperimentOrderBy(undefined)).toEqual(expected);
    expect(parseExperimentOrderBy([])).toEqual(expected);
  });

  it("adds experiment_id DESC as tie-breaker unless named", () => {
    expect(parseExperimentOrderBy(["name"])).toEqual([
      { key: "name", ascending: true },
      { key: "experiment_id", ascending: false },
    ]);
    expect(parseExperimentOrderBy(["attribute.last_update_time DESC", "experiment_id"])).toEqual([
      { key: "last_update_time", ascending: false },
      { key: "experiment_id", ascending: true },
    ]);
  });

  it.each<[string, string]>([
    ["tags.x", "Invalid order_by entity: tag"],
    ["attributes.name", "Invalid entity type 'attributes'"],
    ["lifecycle_stage", "Invalid attribute key 'lifecycle_stage'"],
    ["name ACS", "Invalid ordering key"],
  ])("rejects %s", (entry, message) => {
    expect(messageOf(() => parseExperimentOrderBy([entry]))).toContain(message);
  });
});

describe("page tokens", () => {
  it("round-trips MLflow's format", () => {
    expect(encodePageToken(25)).toBe(btoa('{"offset": 25}'));
    expect(decodePageToken(encodePageToken(25))).toBe(25);
    expect(decodePageToken(btoa('{"offset": "7"}'))).toBe(7);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken("")).toBe(0);
  });

  it.each<[string, string]>([
    ["not base64!", "Invalid page token, could not base64-decode"],
    [btoa("not json"), "Invalid page token, decoded value=not json"],
    [btoa("{}"), "Invalid page token, parsed value={}"],
    [btoa('{"offsoot": 7}'), "Invalid page token, parsed value="],
    [btoa('{"offset": 0}'), "Invalid page token, parsed value="],
    [btoa("[1]"), "Invalid page token, parsed value="],
    [btoa('{"offset": "a"}'), "Invalid page token, not stringable a"],
    [btoa('{"offset": -3}'), "Invalid page token, not stringable -3"],
    [btoa('{"offset": 1.5}'), "Invalid page token, not stringable 1.5"],
    [btoa('{"offset": 1e300}'), "Invalid page token, not stringable"],
    [btoa("\xff\xfe"), "Invalid page token, decoded value="],
  ])("rejects %s", (token, message) => {
    expect(messageOf(() => decodePageToken(token))).toContain(message);
  });
});
