/**
 * `npm run bench:ui`: the web UI measured in headless Chromium (Debian's, via playwright-core)
 * against the local stack, with the five figures issue 8 sets as goals:
 * initial JS (gzip), first paint, runs-table scroll (10,000 runs × 15 columns, p95 frame time),
 * a 1,000,000-point metric's first chart frame, and 100 runs × 1,000 points in one chart.
 * Same-run baselines: the browser's idle frame time, and the API call behind each chart alone.
 * Each figure is the median of BENCH_UI_REPEAT (3) rounds. BENCH_UI_RUNS / BENCH_UI_POINTS shrink
 * the data for a smoke run; EDGEFLOW_UI_PORT (and the next port) pins the stack's ports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startLocalStack } from "../infra/local/stack";
import { uiDist } from "../infra/local/ui-build";
import { pointsPerRun } from "../packages/ui/src/charts/point-budget";
import { Api, CHROMIUM, CHROMIUM_ARGS, stackPorts } from "../test/ui/harness";

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 10_000);
const POINTS = Number(process.env.BENCH_UI_POINTS ?? 1_000_000);

const log = (line: string) => console.error(`[bench:ui] ${line}`);

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

const REPEAT = Number(process.env.BENCH_UI_REPEAT ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
async function repeated(measure: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < REPEAT; i++) values.push(await measure());
  return median(values);
}
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? 0;

/** Gzipped size of the JS the first page loads (the entry and its static imports, not lazy chunks). */
function initialJs(): { gzip: number; lazy: number } {
  const html = readFileSync(join(uiDist, "index.html"), "utf8");
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  const size = (file: string) => gzipSync(readFileSync(join(uiDist, file))).length;
  const all = readdirSync(join(uiDist, "assets"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => `assets/${f}`);
  return {
    gzip: initial.reduce((sum, f) => sum + size(f), 0),
    lazy: all.filter((f) => !initial.includes(f)).reduce((sum, f) => sum + size(f), 0),
  };
}

const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-bench-ui-"));
const stack = await startLocalStack({ stateDir, ...(await stackPorts()) });
const url = stack.tracking.url;
const api = new Api(url);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  log(`stack on ${url}; seeding ${RUNS} runs × 15 columns`);
  const { experiment_id: tableExp } = await api.post<{ experiment_id: string }>("experiments/create", {
    name: "table",
  });
  await pool(
    Array.from({ length: RUNS }, (_, i) => i),
    8,
    async (i) => {
      const { run } = await api.post<{ run: { info: { run_id: string } } }>("runs/create", {
        experiment_id: tableExp,
        run_name: `run-${i}`,
        start_time: 1_700_000_000_000 + i,
      });
      await api.post("runs/log-batch", {
        run_id: run.info.run_id,
        params: Array.from({ length: 5 }, (_, k) => ({ key: `p${k}`, value: String((i * (k + 3)) % 97) })),
        metrics: Array.from({ length: 10 }, (_, k) => ({
          key: `m${k}`,
          value: Math.sin(i + k),
          timestamp: 1,
          step: 0,
        })),
      });
    },
  );
  log(`seeding one run with a ${POINTS}-point metric and 100 runs × 1,000 points`);
  const { experiment_id: chartExp } = await api.post<{ experiment_id: string }>("experiments/create", {
    name: "charts",
  });
  const newRun = async () =>
    (await api.post<{ run: { info: { run_id: string } } }>("runs/create", { experiment_id: chartExp })).run
      .info.run_id;
  const bigRun = await newRun();
  await pool(
    Array.from({ length: Math.ceil(POINTS / 1000) }, (_, b) => b),
    4,
    async (b) => {
      const metrics = Array.from({ length: Math.min(1000, POINTS - b * 1000) }, (_, i) => {
        const step = b * 1000 + i;
        return {
          key: "big",
          value: Math.sin(step / 5000) + Math.random() * 0.1,
          timestamp: 1_700_000_000_000 + step,
          step,
        };
      });
      await api.post("runs/log-batch", { run_id: bigRun, metrics });
    },
  );
  const manyRuns: string[] = [];
  for (let r = 0; r < 100; r++) manyRuns.push(await newRun());
  await pool(manyRuns, 8, async (runId) => {
    const metrics = Array.from({ length: 1000 }, (_, step) => ({
      key: "loss",
      value: 1 / (1 + step) + Math.random() * 0.01,
      timestamp: 1_700_000_000_000 + step,
      step,
    }));
    await api.post("runs/log-batch", { run_id: runId, metrics });
  });

  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const js = initialJs();

  const firstPaint = await repeated(async () => {
    await page.goto(`${url}/`);
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    // Browser-side code goes in as text: tsx's helpers (__name) don't exist in the page.
    return Number(
      await page.evaluate(`performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN`),
    );
  });

  // Frame-to-frame times over `n` animation frames, optionally scrolling the grid 240 px each.
  const frames = async (n: number, scroll: boolean) =>
    (await page.evaluate(`new Promise((done) => {
      const grid = document.querySelector('[data-testid="runs-grid"]');
      const deltas = [];
      let last = performance.now();
      const tick = () => {
        const now = performance.now();
        deltas.push(now - last);
        last = now;
        if (${scroll} && grid) grid.scrollTop += 240;
        if (deltas.length < ${n}) requestAnimationFrame(tick);
        else done(deltas.slice(1));
      };
      requestAnimationFrame(tick);
    })`)) as number[];
  const cols = [
    ...Array.from({ length: 10 }, (_, k) => `metrics.m${k}`),
    ...Array.from({ length: 5 }, (_, k) => `params.p${k}`),
  ];
  await page.goto(`${url}/experiments/${tableExp}?cols=${cols.join(",")}`);
  await page
    .getByTestId("run-count")
    .filter({ hasText: `${RUNS} runs` })
    .waitFor({ timeout: 120_000 });
  // Each figure is the median of REPEAT measurements (the machine may be shared: one bad round
  // should not decide a figure).
  const idle = await frames(120, false);
  const scrolls: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    await page.evaluate(`document.querySelector('[data-testid="runs-grid"]').scrollTop = 0`);
    scrolls.push(p95(await frames(300, true)));
  }
  const scrollP95 = median(scrolls);

  const chartTime = async (path: string, key: string) => {
    await page.goto(`${url}${path}`);
    await page.locator(`[data-testid="chart-${key}"] [data-drawn="1"]`).waitFor({ timeout: 60_000 });
    return Number(
      await page.evaluate(`(performance.getEntriesByName("edgeflow:chart:${key}")[0]?.startTime ?? 0) -
        (performance.getEntriesByName("edgeflow:chart-start:${key}")[0]?.startTime ?? 0)`),
    );
  };
  const apiTime = async (runIds: string[], key: string) => {
    const qs = new URLSearchParams({ metric_key: key, max_results: String(pointsPerRun(runIds.length)) });
    for (const id of runIds) qs.append("run_ids", id);
    const t0 = performance.now();
    await fetch(`${url}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?${qs}`).then((r) => r.json());
    return performance.now() - t0;
  };
  await chartTime(`/runs/${bigRun}?tab=metrics`, "big"); // warm: isolate, caches, lazy chunk
  const big = await repeated(() => chartTime(`/runs/${bigRun}?tab=metrics`, "big"));
  const bigApi = await repeated(() => apiTime([bigRun], "big"));
  await chartTime(`/compare?runs=${manyRuns.join(",")}`, "loss");
  const many = await repeated(() => chartTime(`/compare?runs=${manyRuns.join(",")}`, "loss"));
  const manyApi = await repeated(() => apiTime(manyRuns, "loss"));

  const rows: [string, string, string, boolean][] = [
    [
      "initial JS (gzip)",
      `${(js.gzip / 1024).toFixed(1)} KB (charts chunk, lazy: ${(js.lazy / 1024).toFixed(1)} KB)`,
      "≤ 60 KB",
      js.gzip <= 60 * 1024,
    ],
    ["first paint", `${firstPaint.toFixed(0)} ms`, "< 1000 ms", firstPaint < 1000],
    [
      `runs table scroll, ${RUNS} runs × 15 columns (p95 frame)`,
      `${scrollP95.toFixed(1)} ms (rounds ${scrolls.map((v) => v.toFixed(1)).join(", ")}; idle baseline p95 ${p95(idle).toFixed(1)} ms)`,
      "≤ 20 ms",
      scrollP95 <= 20,
    ],
    [
      `${POINTS}-point metric, first chart frame`,
      `${big.toFixed(0)} ms (API call alone ${bigApi.toFixed(0)} ms)`,
      "< 300 ms",
      big < 300,
    ],
    [
      "100 runs × 1,000 points, one chart",
      `${many.toFixed(0)} ms (API call alone ${manyApi.toFixed(0)} ms)`,
      "< 150 ms",
      many < 150,
    ],
  ];
  console.log("\n| figure | measured | goal | met |\n|---|---|---|---|");
  for (const [name, value, goal, met] of rows)
    console.log(`| ${name} | ${value} | ${goal} | ${met ? "yes" : "NO"} |`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
