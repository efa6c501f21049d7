/**
 * `npm run bench`: tracking benchmark of Edgeflow on the local stack (workerd + local D1) against
 * the same database work done directly with SQLite in-process. Progress goes to stderr; the
 * markdown report to stdout; the full record to bench/results/tracking-<time>.json.
 * See bench/README.md for what each figure means.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBaseline } from "./lib/baseline";
import { loadConfig } from "./lib/config";
import { runEdgeflow } from "./lib/edgeflow";
import { HttpClient } from "./lib/http";
import { machineFacts } from "./lib/machine";
import { cpuOf, cpuWindow, groupFigures, selfFigures } from "./lib/processes";
import { type BenchResults, checks, markdown } from "./lib/report";
import { projectRoot, type Stack, startStack } from "./lib/server";
import { type Snapshot, snapshotTree } from "./lib/snapshot";
import { loadSqlite } from "./lib/sqlite";

const started = performance.now();
const startedAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");
const log = (line: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
const selfCpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

const cfg = loadConfig();
const machine = machineFacts(projectRoot);
const sqlite = cfg.baseline ? loadSqlite() : { unavailable: "skipped (BENCH_BASELINE=0)" };
if ("unavailable" in sqlite) log(`baseline unavailable: ${sqlite.unavailable}`);

let stack: Stack | undefined;
let snapshot: Snapshot | undefined;
const removeSnapshot = () => {
  if (snapshot && !cfg.keepState) snapshot.remove();
};
process.on("exit", removeSnapshot);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the stack`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

snapshot = cfg.snapshot ? snapshotTree(projectRoot, cfg.ref ?? undefined) : undefined;
const tree = snapshot?.dir ?? projectRoot;
log(
  `starting the stack (infra/local/start.ts) from ${snapshot ? `${snapshot.source} copied to ${tree}` : "the working tree"}` +
    `${cfg.quick ? " — BENCH_QUICK smoke run" : ""}`,
);
stack = await startStack({ root: tree, port: cfg.port, keepState: cfg.keepState });
log(`stack up on ${stack.url} in ${stack.startSeconds.toFixed(1)} s (state in ${stack.stateDir})`);

const http = new HttpClient(stack.url);
const { pgid, port } = stack;
const edgeflowCpu = cpuWindow(machine.cores, () => cpuOf(groupFigures(pgid, port)) + selfCpu());
let edgeflow: BenchResults["edgeflow"];
let stackFigures: BenchResults["memory"]["stack"];
let edgeflowWindow: BenchResults["cpu"]["edgeflow"];
try {
  edgeflow = await runEdgeflow(http, cfg, log);
  edgeflowWindow = edgeflowCpu();
  // Read before stopping: VmHWM is each process's peak over its whole life.
  stackFigures = groupFigures(pgid, port);
} finally {
  http.close();
  await stack.stop();
}
const benchAfterEdgeflow = selfFigures();

let baseline: BenchResults["baseline"] = { unavailable: "" };
let baselineWindow: BenchResults["cpu"]["baseline"] = null;
if ("unavailable" in sqlite) baseline = sqlite;
else {
  const dir = mkdtempSync(join(tmpdir(), "edgeflow-bench-baseline-"));
  const baselineCpu = cpuWindow(machine.cores, selfCpu);
  try {
    baseline = runBaseline(sqlite, cfg, {
      file: join(dir, "baseline.sqlite"),
      // The same migrations the stack under test applied.
      migrations: join(tree, "packages/schema/migrations"),
      log,
    });
    baselineWindow = baselineCpu();
  } finally {
    if (cfg.keepState) log(`baseline database kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
removeSnapshot();

const results: BenchResults = {
  startedAt,
  totalSeconds: (performance.now() - started) / 1000,
  machine,
  config: cfg,
  source: snapshot ? `${snapshot.source}, run from a copy taken at start` : "the working tree, run in place",
  stackStartSeconds: stack.startSeconds,
  edgeflow,
  baseline,
  memory: { stack: stackFigures, benchAfterEdgeflow, benchAtEnd: selfFigures() },
  cpu: { edgeflow: edgeflowWindow, baseline: baselineWindow },
  checks: checks({ edgeflow, baseline, config: cfg }),
};

const resultsDir = join(projectRoot, "bench/results");
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `tracking-${startedAt.replaceAll(":", "")}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(markdown(results));
log(`results written to ${file}`);
if (results.checks.length > 0) process.exitCode = 1;
