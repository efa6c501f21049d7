import { type EndpointName, endpoints } from "@edgeflow/schema";
import { describe, expect, it } from "vitest";
import { apiRoutes, apiRoutesV3 } from "../../workers/tracking/src/routes/index";

/**
 * packages/schema's endpoint table is what the SDK calls; the worker's route rows are what
 * answers. Each endpoint must be served under its API version by a row with the same messages,
 * and each message row must come from the table, so neither side can drift.
 */
const byVersion = { "2.0": apiRoutes, "3.0": apiRoutesV3 } as const;

describe("the endpoint table and the route rows", () => {
  it.each(Object.keys(endpoints) as EndpointName[])("%s is served as declared", (name) => {
    const api = endpoints[name];
    const row = byVersion[api.version].find((r) => r.method === api.method && r.path === api.path);
    expect(row, `${api.method} /api/${api.version}${api.path}`).toBeDefined();
    expect(row?.request).toBe(api.request);
    expect(row?.response).toBe(api.response);
  });

  it("every message route row is in the table", () => {
    const declared = new Set(Object.values(endpoints).map((e) => `${e.version} ${e.method} ${e.path}`));
    const rows = [
      ...apiRoutes.map((r) => ({ r, version: "2.0" })),
      ...apiRoutesV3.map((r) => ({ r, version: "3.0" })),
    ].filter(({ r }) => r.request !== undefined);
    const missing = rows
      .map(({ r, version }) => `${version} ${r.method} ${r.path}`)
      .filter((k) => !declared.has(k));
    expect(missing).toEqual([]);
    expect(rows.length).toBe(Object.keys(endpoints).length);
  });
});
