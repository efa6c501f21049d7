/**
 * `npm run bench:router`: the tracking worker's router (packages/http) against itty-router 6 on
 * the worker's real route table (every row under each of its prefixes), in one process, one run.
 * Prints cold build time, per-request latency percentiles and throughput for a mix of MLflow
 * client requests, heap, and the ratio itty ÷ own. Plain Node; no worker or database involved.
 */
import { findRoute, Router } from "@edgeflow/http";
import { IttyRouter } from "itty-router";
import { ROUTE_GROUPS } from "../workers/tracking/src/routes/index";
import { summarize } from "./lib/stats";

/** What the MLflow client sends most, plus a templated, a wildcard and an unknown path. */
const MIX: [string, string][] = [
  ["POST", "/api/2.0/mlflow/runs/log-batch"],
  ["POST", "/api/2.0/mlflow/runs/log-metric"],
  ["GET", "/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef"],
  ["GET", "/api/2.0/mlflow/metrics/get-history?run_id=0123456789abcdef&metric_key=loss"],
  ["POST", "/api/2.0/mlflow/runs/search"],
  ["PUT", "/api/2.0/mlflow-artifacts/artifacts/1/0123456789abcdef/artifacts/model/model.onnx"],
  ["GET", "/api/2.0/mlflow/logged-models/m-0123456789abcdef0123456789abcdef"],
  ["GET", "/api/3.0/mlflow/traces/tr-0123456789abcdef"],
  ["POST", "/ajax-api/2.0/mlflow/registered-models/search"],
  ["GET", "/api/2.0/mlflow/no/such/endpoint"],
];
const requests = MIX.map(([method, path]) => new Request(`http://127.0.0.1${path}`, { method }));
const BATCH = 1000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);

function buildOwn() {
  return ROUTE_GROUPS.map(({ routes, prefixes }) => new Router(routes, prefixes));
}

/** itty's path syntax: ":name" for a segment, "*" for the rest; the same rows, prefixes expanded. */
function buildItty() {
  const router = IttyRouter();
  for (const { routes, prefixes } of ROUTE_GROUPS) {
    for (const route of routes) {
      for (const prefix of prefixes) {
        const path = prefix + route.path.replace(/\{(\w+)\}/g, ":$1");
        const add = router[route.method.toLowerCase() as "get"] as (
          path: string,
          handler: () => unknown,
        ) => void;
        add(path, () => route);
      }
    }
  }
  router.all("*", () => "not found");
  return router;
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(route: (request: Request) => unknown) {
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES + 20; s++) {
    const ms = await timeAsync(async () => {
      for (let i = 0; i < BATCH; i++) await route(requests[i % requests.length] as Request);
    });
    if (s >= 20) samples.push((ms * 1000) / BATCH); // µs per request, after warm-up
  }
  return summarize(samples);
}

const ownBuildMs = time(buildOwn);
const ittyBuildMs = time(buildItty);
const own = buildOwn();
const itty = buildItty();
const heapBefore = process.memoryUsage().heapUsed;
const ownLatency = await measure((request) => findRoute(own, request, new URL(request.url)));
const ittyLatency = await measure((request) => itty.fetch(request));
const rows = ROUTE_GROUPS.reduce((n, g) => n + g.routes.length * g.prefixes.length, 0);

const f = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
console.log(
  `## Router: packages/http vs itty-router 6 (${rows} routes with prefixes, ${MIX.length}-request mix)\n`,
);
console.log("| figure | packages/http | itty-router 6 | itty ÷ own |");
console.log("|---|---|---|---|");
console.log(
  `| build (first request of an isolate), ms | ${f(ownBuildMs)} | ${f(ittyBuildMs)} | ${(ittyBuildMs / ownBuildMs).toFixed(1)}× |`,
);
for (const key of ["p50", "p95"] as const) {
  console.log(
    `| match ${key}, µs/request | ${f(ownLatency[key])} | ${f(ittyLatency[key])} | ${(ittyLatency[key] / ownLatency[key]).toFixed(1)}× |`,
  );
}
console.log(
  `| throughput, requests/s | ${Math.round(1e6 / ownLatency.mean)} | ${Math.round(1e6 / ittyLatency.mean)} | ${(ownLatency.mean / ittyLatency.mean).toFixed(2)}× |`,
);
console.log(
  `\nheap used after both: ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB more than before measuring; ${SAMPLES} samples of ${BATCH} requests each.`,
);
