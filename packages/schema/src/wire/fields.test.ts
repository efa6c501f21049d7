import { describe, expect, it } from "vitest";
import { bool, message, string } from "./fields";

const Get = message({ trace_id: string().req(), allow_partial: bool() });

describe("query-string booleans", () => {
  it("reads Python's True/False spellings in a query string, as MLflow's server does", () => {
    expect(Get.parseQuery({ trace_id: "t", allow_partial: "False" })).toEqual({
      trace_id: "t",
      allow_partial: false,
    });
    expect(Get.parseQuery({ trace_id: "t", allow_partial: "TRUE" }).allow_partial).toBe(true);
  });

  it("still refuses other words, and capitalised strings in a JSON body", () => {
    expect(() => Get.parseQuery({ trace_id: "t", allow_partial: "yes" })).toThrow(/allow_partial/);
    expect(() => Get.parse({ trace_id: "t", allow_partial: "False" })).toThrow(/allow_partial/);
  });
});
