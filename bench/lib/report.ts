/** Turns the results into the markdown printed on stdout (for an issue note) and the JSON record. */
import type { BaselineResults } from "./baseline";
import type { BenchConfig } from "./config";
import type { EdgeflowResults } from "./edgeflow";
import type { MachineFacts } from "./machine";
import type { CpuWindow, ProcessFigures } from "./processes";
import { SEARCHES } from "./workloads";

export interface BenchResults {
  startedAt: string;
  totalSeconds: number;
  machine: MachineFacts;
  config: BenchConfig;
  /** The code under test: commit, local changes, and whether the stack ran from a copy. */
  source: string;
  stackStartSeconds: number;
  edgeflow: EdgeflowResults;
  baseline: BaselineResults | { unavailable: string };
  memory: { stack: ProcessFigures[]; benchAfterEdgeflow: ProcessFigures; benchAtEnd: ProcessFigures };
  /** CPU spent during the Edgeflow phases (stack + load generator) and the baseline, and by everything else meanwhile. */
  cpu: { edgeflow: CpuWindow; baseline: CpuWindow | null };
  checks: string[];
}

export interface Figure {
  id: string;
  label: string;
  unit: "points/s" | "ms";
  edgeflow: number;
  baseline: number | null;
  /** Edgeflow ÷ baseline. */
  ratio: number | null;
}

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function formatValue(value: number, unit: Figure["unit"]): string {
  if (!Number.isFinite(value)) return "–";
  if (unit === "points/s") return int.format(Math.round(value / 100) * 100);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** "3.1× slower" / "1.2× faster": the ratio read the right way round for the unit. */
function reading(figure: Figure): string {
  if (figure.ratio === null || !Number.isFinite(figure.ratio) || figure.ratio <= 0) return "";
  const slowdown = figure.unit === "points/s" ? 1 / figure.ratio : figure.ratio;
  if (Math.abs(slowdown - 1) < 0.05) return "about the same";
  return slowdown > 1 ? `${slowdown.toFixed(1)}× slower` : `${(1 / slowdown).toFixed(1)}× faster`;
}

export function figures(results: BenchResults): Figure[] {
  const e = results.edgeflow;
  const b = "unavailable" in results.baseline ? null : results.baseline;
  const cfg = results.config;
  const rows: Omit<Figure, "ratio">[] = [
    {
      id: "log_batch_1_client",
      label: `log-batch, 1 client (${cfg.batchSize} metrics/request)`,
      unit: "points/s",
      edgeflow: e.singleClient.pointsPerSecond,
      baseline: b?.singleClient.pointsPerSecond ?? null,
    },
    {
      id: `log_batch_${cfg.clients}_clients`,
      label: `log-batch, ${cfg.clients} concurrent clients`,
      unit: "points/s",
      edgeflow: e.multiClient.pointsPerSecond,
      baseline: b?.multiClient.pointsPerSecond ?? null,
    },
  ];
  const searchLabels = {
    filtered: `search_runs \`${SEARCHES.filtered.filter}\` order by \`${SEARCHES.filtered.order_by[0]}\``,
    unfiltered: "search_runs, no filter, default order",
  };
  for (const shape of ["filtered", "unfiltered"] as const) {
    for (const p of ["p50", "p95"] as const) {
      rows.push({
        id: `search_${shape}_${p}`,
        label: `${searchLabels[shape]}, ${p}`,
        unit: "ms",
        edgeflow: e.search[shape].summary[p],
        baseline: b?.search[shape].summary[p] ?? null,
      });
    }
  }
  for (const p of ["p50", "p95"] as const) {
    rows.push({
      id: `history_${p}`,
      label: `get-history, ${int.format(cfg.historyPoints)} points, ${p}`,
      unit: "ms",
      edgeflow: e.history.summary[p],
      baseline: b?.history.summary[p] ?? null,
    });
  }
  return rows.map((row) => ({ ...row, ratio: row.baseline ? row.edgeflow / row.baseline : null }));
}

function mib(value: number): string {
  return value.toFixed(0);
}

export function markdown(results: BenchResults): string {
  const { machine, config: cfg, edgeflow: e } = results;
  const b = "unavailable" in results.baseline ? null : results.baseline;
  const out: string[] = [];
  out.push(`### Tracking benchmark (${results.startedAt}${cfg.quick ? ", BENCH_QUICK smoke run" : ""})`, "");
  out.push(
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(0)} GiB, ${machine.os}; ` +
      `Node ${machine.node}; wrangler ${machine.versions.wrangler}, miniflare ${machine.versions.miniflare}, ` +
      `workerd ${machine.versions.workerd}, drizzle-orm ${machine.versions["drizzle-orm"]}. ` +
      "Load generator, workerd and baseline share these cores.",
  );
  out.push(`Code under test: ${results.source}.`);
  out.push(
    `Baseline: ${b ? `${b.driver}, in this process, Edgeflow's migrations applied; journal_mode=${b.pragmas.journal_mode}, synchronous=${b.pragmas.synchronous === 2 ? "FULL" : b.pragmas.synchronous}, foreign_keys=${b.pragmas.foreign_keys ? "on" : "off"}` : `unavailable: ${(results.baseline as { unavailable: string }).unavailable}`}.`,
  );
  out.push(
    `Parameters: ${cfg.batchSize} metrics per log-batch; 1 client × ${cfg.singleClientBatches} batches and ` +
      `${cfg.clients} clients × ${cfg.batchesPerClient} batches, after ${cfg.warmupBatches} warm-up batches per client; ` +
      `search over ${int.format(cfg.runs)} runs (3 params, 3 tags, 2 metrics each), max_results 100, ${cfg.searchReads} reads per shape; ` +
      `get-history ${cfg.historyReads} reads; ${cfg.warmupReads} warm-up reads before each series.`,
    "",
  );
  out.push("| figure | Edgeflow | baseline | Edgeflow / baseline | Edgeflow is |", "|---|--:|--:|--:|---|");
  for (const f of figures(results)) {
    out.push(
      `| ${f.label} (${f.unit}) | ${formatValue(f.edgeflow, f.unit)} | ${f.baseline === null ? "–" : formatValue(f.baseline, f.unit)} | ` +
        `${f.ratio === null ? "–" : `${f.ratio.toFixed(2)}×`} | ${reading(f)} |`,
    );
  }
  out.push(
    "",
    "Ratio = Edgeflow ÷ baseline: for points/s below 1 means Edgeflow is slower; for latencies above 1 means it is slower. " +
      `The baseline has one writer for both log-batch figures (SQLite serialises writers, as local D1 does); ` +
      `its ${cfg.clients}-client row writes the same batches to ${cfg.clients} runs round-robin.`,
    "",
  );
  out.push("| process | peak RSS (MiB) | RSS at end (MiB) | CPU (s) |", "|---|--:|--:|--:|");
  const stackTotal = results.memory.stack.reduce((sum, p) => sum + p.peakRssMiB, 0);
  for (const p of results.memory.stack) {
    out.push(`| ${p.name} | ${mib(p.peakRssMiB)} | ${mib(p.rssMiB)} | ${p.cpuSeconds.toFixed(1)} |`);
  }
  out.push(`| stack total (sum of peaks) | ${mib(stackTotal)} | | |`);
  const self = results.memory;
  out.push(
    `| benchmark process, after the Edgeflow phases | ${mib(self.benchAfterEdgeflow.peakRssMiB)} | ${mib(self.benchAfterEdgeflow.rssMiB)} | ${self.benchAfterEdgeflow.cpuSeconds.toFixed(1)} |`,
    `| benchmark process, after the baseline | ${mib(self.benchAtEnd.peakRssMiB)} | ${mib(self.benchAtEnd.rssMiB)} | ${self.benchAtEnd.cpuSeconds.toFixed(1)} |`,
    "",
  );
  const seeded = [
    `stack start ${results.stackStartSeconds.toFixed(1)} s`,
    `seeding ${int.format(cfg.runs)} runs: Edgeflow ${e.seedSeconds.toFixed(1)} s (${int.format(cfg.runs / e.seedSeconds)} runs/s, ${cfg.seedConcurrency} in flight, 2 requests per run)${b ? `, baseline ${b.seedSeconds.toFixed(1)} s` : ""}`,
    `seeding the history: Edgeflow ${e.historySeedSeconds.toFixed(1)} s${b ? `, baseline ${b.historySeedSeconds.toFixed(1)} s` : ""}`,
    `get-history response ${(e.history.responseBytes / 2 ** 20).toFixed(1)} MiB of JSON`,
    `log-batch request p50/p95: 1 client ${e.singleClient.request.p50.toFixed(1)}/${e.singleClient.request.p95.toFixed(1)} ms, ` +
      `${cfg.clients} clients ${e.multiClient.request.p50.toFixed(1)}/${e.multiClient.request.p95.toFixed(1)} ms`,
    `total ${results.totalSeconds.toFixed(0)} s`,
  ];
  out.push(`Not measured figures: ${seeded.join("; ")}.`);
  out.push(cpuLine(results.cpu));
  out.push(
    results.checks.length === 0
      ? "Checks: both sides returned the same search results (by metric value) and the full history."
      : `Checks FAILED: ${results.checks.join("; ")}`,
  );
  return out.join("\n");
}

/** Share of the machine that other processes took while a phase ran. */
function busyShare(window: CpuWindow): number {
  return window.capacitySeconds > 0 ? window.otherSeconds / window.capacitySeconds : 0;
}

function cpuLine(cpu: BenchResults["cpu"]): string {
  const phase = (name: string, w: CpuWindow) =>
    `${name} ${w.wallSeconds.toFixed(0)} s: measured processes ${w.ownSeconds.toFixed(0)} CPU-s, ` +
    `everything else on the machine ${w.otherSeconds.toFixed(1)} CPU-s (${(busyShare(w) * 100).toFixed(0)}% of its capacity)`;
  const parts = [
    phase("Edgeflow phases", cpu.edgeflow),
    ...(cpu.baseline ? [phase("baseline", cpu.baseline)] : []),
  ];
  const busy = [cpu.edgeflow, cpu.baseline].some((w) => w !== null && busyShare(w) > 0.1);
  const warning =
    " **The machine was busy with other work during a phase: its figures may be skewed; rerun on a quiet machine.**";
  return `CPU: ${parts.join("; ")}.${busy ? warning : ""}`;
}

export function checks(results: Pick<BenchResults, "edgeflow" | "baseline" | "config">): string[] {
  const problems: string[] = [];
  const e = results.edgeflow;
  if (e.history.points !== results.config.historyPoints) {
    problems.push(
      `Edgeflow get-history returned ${e.history.points} of ${results.config.historyPoints} points`,
    );
  }
  const expected = Math.min(100, results.config.runs);
  if (e.search.unfiltered.check.runs !== expected) {
    problems.push(
      `Edgeflow search without filter returned ${e.search.unfiltered.check.runs} of ${expected} runs`,
    );
  }
  if ("unavailable" in results.baseline) return problems;
  const b = results.baseline;
  if (b.history.points !== e.history.points) problems.push(`baseline history has ${b.history.points} points`);
  for (const shape of ["filtered", "unfiltered"] as const) {
    const ev = e.search[shape].check.values;
    const bv = b.search[shape].check.values;
    if (ev.length !== bv.length || ev.some((v, i) => Math.abs(v - (bv[i] as number)) > 1e-12)) {
      problems.push(
        `search (${shape}): Edgeflow returned ${ev.length} runs, the baseline ${bv.length}, or their metric values differ`,
      );
    }
  }
  return problems;
}
