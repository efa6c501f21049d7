import { env } from "cloudflare:test";
import { MlflowError } from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import {
  compileModelVersionSearch,
  compileRegisteredModelSearch,
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
} from "./index";
import { renderStatement } from "./statement";

const db = drizzle(env.DB);

describe("registry filters", () => {
  it("types values as MLflow does", () => {
    expect(
      parseModelVersionFilter("version_number >= '3' AND run_id IN ('a', 'b') AND tags.`k 1` != 'x'"),
    ).toEqual([
      { type: "attribute", key: "version_number", comparator: ">=", value: 3 },
      { type: "attribute", key: "run_id", comparator: "IN", value: ["a", "b"] },
      { type: "tag", key: "k 1", comparator: "!=", value: "x" },
    ]);
    expect(parseRegisteredModelFilter(`attribute.name ILIKE "%a%" AND tag.t = 'v'`)).toMatchObject([
      { type: "attribute", key: "name", comparator: "ILIKE", value: "%a%" },
      { type: "tag", key: "t", comparator: "=", value: "v" },
    ]);
    expect(parseRegisteredModelFilter("")).toEqual([]);
  });

  it("rejects what MLflow rejects", () => {
    for (const filter of [
      "version_number = 'abc'",
      "source_path IN ('a')",
      "name NOT IN ('a')",
      "run_id > 'a'",
      "tags.t < 'a'",
      "tags.t = 3",
      "params.p = 'a'",
    ]) {
      expect(() => parseModelVersionFilter(filter), filter).toThrow(MlflowError);
    }
    expect(() => parseRegisteredModelFilter("run_id = 'a'")).toThrow(
      "Invalid attribute key 'run_id' specified",
    );
  });
});

describe("registry order_by", () => {
  it("adds MLflow's tie-breakers and defaults", () => {
    expect(parseRegisteredModelOrderBy(undefined)).toEqual([{ key: "name", ascending: true }]);
    expect(parseRegisteredModelOrderBy(["timestamp DESC"])).toEqual([
      { key: "last_updated_timestamp", ascending: false },
      { key: "name", ascending: true },
    ]);
    expect(parseModelVersionOrderBy([])).toEqual([
      { key: "last_updated_timestamp", ascending: false },
      { key: "name", ascending: true },
      { key: "version_number", ascending: false },
    ]);
    expect(parseModelVersionOrderBy(["version_number"])).toEqual([
      { key: "version_number", ascending: true },
      { key: "name", ascending: true },
    ]);
  });

  it("rejects unknown keys, prefixes on model keys and duplicates", () => {
    expect(() => parseRegisteredModelOrderBy(["attribute.name"])).toThrow(MlflowError);
    expect(() => parseRegisteredModelOrderBy(["timestamp", "last_updated_timestamp"])).toThrow("duplicate");
    expect(() => parseModelVersionOrderBy(["run_id"])).toThrow(MlflowError);
    expect(() => parseModelVersionOrderBy(["name ASC", "attribute.name DESC"])).toThrow("duplicate");
  });

  it("binds user input as parameters, never as SQL text", () => {
    const { sql, params } = renderStatement(
      compileModelVersionSearch({
        filter: "name = 'x OR 1=1 --' AND tags.`a\"b` LIKE 'y%'",
        offset: 0,
        limit: 5,
      }),
    );
    expect(sql).not.toContain("OR 1=1");
    expect(params).toEqual(expect.arrayContaining(["x OR 1=1 --", 'a"b']));
  });
});

// A tiny deterministic PRNG, so a failure reproduces.
let state = 4242;
const random = () => {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
  return state / 2_147_483_648;
};
const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)] as string;

const identifiers = [
  "name",
  "run_id",
  "source_path",
  "version_number",
  "tags.t",
  "tag.`a b`",
  "attribute.name",
  "bogus",
];
const comparators = ["=", "!=", "<", ">=", "LIKE", "ILIKE", "IN", "NOT IN", "<>"];
const values = ["'x'", "'%a_%'", "3", "'3'", "1e400", "('a', 'b')", "()", '"q"', "'\u0000'", "`b`"];
const wellTyped = ["name LIKE '%a_%'", "tags.t != 'x'", "tag.`a b` ILIKE '%'", 'attribute.name = "q"'];
const orderBys = [
  "name DESC",
  "timestamp",
  "version_number",
  "creation_timestamp ASC",
  "tags.t",
  "run_id",
  "",
];

describe("any registry search input", () => {
  it("compiles to a statement D1 runs, or fails with INVALID_PARAMETER_VALUE", async () => {
    let executed = 0;
    for (let i = 0; i < 400; i += 1) {
      // Half well-typed clauses (which must run), half anything.
      const clauses = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        random() < 0.5 ? pick(wellTyped) : [pick(identifiers), pick(comparators), pick(values)].join(" "),
      );
      const filter = clauses.join(" AND ");
      const orderBy = Array.from({ length: Math.floor(random() * 3) }, () => pick(orderBys));
      const compile = i % 2 === 0 ? compileModelVersionSearch : compileRegisteredModelSearch;
      try {
        const statement = compile({ filter, orderBy, offset: 0, limit: 5 });
        await expect(db.all(statement), filter).resolves.toBeInstanceOf(Array);
        executed += 1;
      } catch (error) {
        expect(error, `${filter} ${JSON.stringify(orderBy)}`).toBeInstanceOf(MlflowError);
        expect((error as MlflowError).errorCode).toBe("INVALID_PARAMETER_VALUE");
      }
    }
    expect(executed).toBeGreaterThan(20);
  });
});
