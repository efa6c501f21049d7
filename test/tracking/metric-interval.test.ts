import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createExperiment, createRun, get, post } from "../helpers/api";

type Point = { key: string; value: number | string; timestamp: number; step: number; run_id: string };
type Band = { run_id: string; step: number; end_step: number; min_value: number; max_value: number };
type Sampled = { metrics: Point[]; bands?: Band[] };

/** MLflow 3.5.1's abstract_store.get_metric_history_bulk_interval, transcribed as the reference. */
function mlflowSteps(runs: number[][], maxResults: number, start?: number, end?: number): number[] {
  const edges = new Set(runs.filter((r) => r.length).flatMap((r) => [Math.min(...r), Math.max(...r)]));
  const all = [...new Set(runs.flat())].sort((a, b) => a - b);
  const lo = start ?? 0;
  const hi = end ?? all[all.length - 1] ?? 0;
  const startIdx = all.findIndex((s) => s >= lo) === -1 ? all.length : all.findIndex((s) => s >= lo);
  let endIdx = startIdx;
  while (endIdx < all.length && (all[endIdx] as number) <= hi) endIdx++;
  const sampled = new Set<number>();
  if (endIdx - startIdx <= maxResults) for (const s of all.slice(startIdx, endIdx)) sampled.add(s);
  else {
    const interval = (endIdx - startIdx) / maxResults;
    for (let i = 0; i < maxResults; i++) sampled.add(all[startIdx + Math.trunc(i * interval)] as number);
    sampled.add(all[endIdx - 1] as number);
  }
  for (const edge of edges) if (edge >= lo && edge <= hi) sampled.add(edge);
  return [...sampled].sort((a, b) => a - b);
}

/** Logs `steps` of metric `key` into a new run (value = step * 10, one point per step). */
async function runWith(experimentId: string, key: string, steps: number[]): Promise<string> {
  const runId = (await createRun(experimentId)).info.run_id;
  for (let i = 0; i < steps.length; i += 1000) {
    const metrics = steps.slice(i, i + 1000).map((step) => ({ key, value: step * 10, timestamp: 1, step }));
    const logged = await post("runs/log-batch", { run_id: runId, metrics });
    if (logged.status !== 200) throw new Error(JSON.stringify(logged.body));
  }
  return runId;
}

function interval(query: Record<string, string | number | string[]>) {
  return get<Sampled>("metrics/get-history-bulk-interval", query);
}

const range = (from: number, to: number, by = 1) =>
  Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);

describe("metrics/get-history-bulk-interval", () => {
  it("samples MLflow's steps across runs with gaps, keeping every run's first and last step", async () => {
    const exp = await createExperiment();
    const shapes = [range(0, 2999), range(5, 1205, 3), [7, 8, 4001], range(100, 160)];
    const ids: string[] = [];
    for (const steps of shapes) ids.push(await runWith(exp, "loss", steps));
    for (const [maxResults, start, end] of [
      [10, undefined, undefined],
      [320, undefined, undefined],
      [7, 100, 900],
      [2500, undefined, undefined],
      [3, 4001, 4001],
      // One run spans the whole range but with gaps: the other runs' steps count too.
      [12, 7, 4001],
    ] as const) {
      const query: Record<string, string | number | string[]> = {
        run_ids: ids,
        metric_key: "loss",
        max_results: maxResults,
      };
      if (start !== undefined && end !== undefined)
        Object.assign(query, { start_step: start, end_step: end });
      const response = await interval(query);
      expect(response.status).toBe(200);
      const expected = mlflowSteps(shapes, maxResults, start, end);
      for (const [i, runId] of ids.entries()) {
        const got = response.body.metrics.filter((m) => m.run_id === runId).map((m) => m.step);
        expect(got, `run ${i} max ${maxResults}`).toEqual(expected.filter((s) => shapes[i]?.includes(s)));
      }
      // Runs come back in request order, each in step order.
      const order = response.body.metrics.map((m) => ids.indexOf(m.run_id));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it("returns each sampled interval's min and max when asked (Edgeflow's min_max)", async () => {
    const exp = await createExperiment();
    const runId = await runWith(exp, "acc", range(0, 99));
    const plain = await interval({ run_ids: [runId], metric_key: "acc", max_results: 10 });
    expect(plain.body.bands).toBeUndefined();
    const banded = await interval({ run_ids: [runId], metric_key: "acc", max_results: 10, min_max: "true" });
    const bands = banded.body.bands ?? [];
    // Intervals run from each sampled step to the next; the last sampled step (99) is its own.
    expect(bands.map((b) => b.step)).toEqual([...range(0, 90, 10), 99]);
    expect(bands[0]).toEqual({ run_id: runId, step: 0, end_step: 9, min_value: 0, max_value: 90 });
    expect(bands[9]).toMatchObject({ step: 90, end_step: 98, min_value: 900, max_value: 980 });
  });

  it("reads a million-point history back as a bounded sample", async () => {
    const exp = await createExperiment();
    const runId = (await createRun(exp)).info.run_id;
    await env.DB.prepare(
      `with recursive n(i) as (select 0 union all select i + 1 from n where i < 999999)
       insert into metrics (run_uuid, key, step, timestamp, value, is_nan)
       select ?, 'big', i, 1000 + i, sin(i / 1000.0), 0 from n`,
    )
      .bind(runId)
      .run();
    const response = await interval({
      run_ids: [runId],
      metric_key: "big",
      max_results: 1000,
      min_max: "true",
    });
    expect(response.status).toBe(200);
    const steps = response.body.metrics.map((m) => m.step);
    expect(steps.length).toBe(1001);
    expect(steps.slice(0, 3)).toEqual([0, 1000, 2000]);
    expect(steps.at(-1)).toBe(999999);
    expect(response.body.bands?.length).toBe(1001);
  });

  it("refuses what MLflow refuses", async () => {
    const exp = await createExperiment();
    const runId = await runWith(exp, "loss", [1, 2]);
    const cases: Record<string, string | number | string[]>[] = [
      { run_ids: [runId], metric_key: "loss", start_step: 10, end_step: 5 },
      { run_ids: [runId], metric_key: "loss", start_step: 1 },
      { run_ids: [runId], metric_key: "loss", max_results: 0 },
      { run_ids: [runId], metric_key: "loss", max_results: 2501 },
      { run_ids: Array.from({ length: 101 }, (_, i) => `r${i}`), metric_key: "loss" },
      { metric_key: "loss" },
    ];
    for (const query of cases) {
      const response = await interval(query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.body).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
    }
    const none = await interval({ run_ids: [runId], metric_key: "nothing" });
    expect(none.body).toEqual({});
  });
});
