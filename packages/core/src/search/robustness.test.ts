import { env } from "cloudflare:test";
import { MlflowError } from "@edgeflow/schema";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { compileExperimentSearch, compileRunSearch } from "./index";

const db = drizzle(env.DB);

// A tiny deterministic PRNG, so a failure reproduces.
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const random = prng(12_345);
const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)] as string;
const repeat = (n: number, make: () => string) => Array.from({ length: n }, make);

const runIdentifiers = [
  "metrics.acc",
  "params.model",
  "tags.team",
  "attributes.status",
  "dataset.name",
  "datasets.context",
  "run_id",
  "`Run Name`",
  '"run name"',
  "tags.mlflow.runName",
];
const experimentIdentifiers = ["name", "tag.x", "tags.`a b`", "attribute.name"];
const runNumeric = ["metrics.acc", "metrics.`a b`", "start_time", "created"];
const experimentNumeric = ["creation_time", "last_update_time"];
const numericComparators = ["=", "!=", "<", "<=", ">", ">="];
const comparators = [...numericComparators, "<>", "LIKE", "ILIKE", "like", "IN", "NOT IN"];
const numbers = ["1", "-1.5e3", "1e400", ".5"];
const values = [
  ...numbers,
  "'x'",
  "'%a_b%'",
  "'a%'",
  "'%'",
  "'_'",
  `'${"é".repeat(30)}_'`,
  "'\u0000'",
  "'\ud800'",
  "'🙂%'",
  '"q"',
  "'[*?]%_'",
  "('a', 'b')",
  "('\u0000')",
  "()",
];
const junk = ["(", ")", ",", ";", "`", "'", '"', "\\", "#", "*", "[", "OR", "AND", "NOT", "IS", "NULL"];
const runOrderBys = [
  "metrics.acc DESC",
  "params.`a b`",
  "tags.t ASC",
  "start_time",
  "run_name DESC",
  "bogus",
];
const experimentOrderBys = ["name DESC", "creation_time", "experiment_id", "last_update_time ASC", "tags.x"];

function randomFilter(identifiers: string[], numericIdentifiers: string[]): string {
  // Mostly well-typed clauses, some loosely typed ones, some token soup.
  const clause = () => {
    const roll = random();
    if (roll < 0.4) return `${pick(numericIdentifiers)} ${pick(numericComparators)} ${pick(numbers)}`;
    if (roll < 0.8) return `${pick(identifiers)} ${pick(comparators)} ${pick(values)}`;
    return repeat(3, () => pick([...identifiers, ...comparators, ...values, ...junk])).join(" ");
  };
  return repeat(1 + Math.floor(random() * 3), clause).join(" AND ");
}

const special = [
  "metrics.acc > 0.1 AND params.model = 'x'",
  `params.model IN (${repeat(400, () => `'v${Math.floor(random() * 1e6)}'`).join(", ")})`,
  `params.model LIKE '${"%x_".repeat(16)}'`,
  `params.model LIKE '${"x".repeat(5000)}%'`,
  `name ILIKE '%${"y".repeat(5000)}%'`,
];

/** Compiles and runs; the only acceptable failure is an INVALID_PARAMETER_VALUE from compiling. */
async function check(compile: () => SQL, label: string): Promise<boolean> {
  let compiled: SQL;
  try {
    compiled = compile();
  } catch (error) {
    expect(error, label).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).errorCode, label).toBe("INVALID_PARAMETER_VALUE");
    return false;
  }
  await expect(db.all(compiled), label).resolves.toBeInstanceOf(Array);
  return true;
}

describe("any input", () => {
  it("never yields a raw or SQLite error from search_runs: only results or INVALID_PARAMETER_VALUE", async () => {
    let executed = 0;
    for (const filter of [...special, ...repeat(600, () => randomFilter(runIdentifiers, runNumeric))]) {
      const orderBy = repeat(Math.floor(random() * 3), () => pick(runOrderBys));
      const compile = () =>
        compileRunSearch({ experimentIds: [71_001], filter, viewType: "ALL", orderBy, offset: 0, limit: 5 });
      if (await check(compile, `${filter} ${JSON.stringify(orderBy)}`)) executed += 1;
    }
    expect(executed).toBeGreaterThan(100);
  });

  it("never yields a raw or SQLite error from search_experiments", async () => {
    let executed = 0;
    for (const filter of [
      ...special,
      ...repeat(300, () => randomFilter(experimentIdentifiers, experimentNumeric)),
    ]) {
      const orderBy = repeat(Math.floor(random() * 2), () => pick(experimentOrderBys));
      const compile = () =>
        compileExperimentSearch({ filter, viewType: "ALL", orderBy, offset: 0, limit: 5 });
      if (await check(compile, `${filter} ${JSON.stringify(orderBy)}`)) executed += 1;
    }
    expect(executed).toBeGreaterThan(50);
  });

  it("runs the largest searches the bounds allow", async () => {
    const orderBy = repeat(20, () => "").map((_, i) => `metrics.m${i} DESC`);
    const widest = [
      ["status LIKE '%'", 100],
      ["run_name LIKE '%'", 100],
      ["dataset.context ILIKE '%'", 100],
      ["params.p LIKE 'a%'", 39],
    ] as const;
    for (const [clause, n] of widest) {
      const filter = repeat(n, () => clause).join(" AND ");
      const compiled = compileRunSearch({
        experimentIds: [71_001],
        filter,
        viewType: "ALL",
        orderBy,
        offset: 0,
        limit: 5,
      });
      await expect(db.all(compiled), clause).resolves.toBeInstanceOf(Array);
    }
    const tooMany = repeat(101, () => "status LIKE '%'").join(" AND ");
    const error = (() => {
      try {
        compileRunSearch({ experimentIds: [1], filter: tooMany, viewType: "ALL", offset: 0, limit: 5 });
      } catch (caught) {
        return caught as MlflowError;
      }
    })();
    expect(error?.message).toBe("The filter has 101 clauses, more than the maximum of 100.");
  });
});
