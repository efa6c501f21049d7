/**
 * Memory and CPU of the processes under test, read from /proc (Linux): the whole process group of
 * the spawned stack (tsx, wrangler's node processes, workerd), plus this process.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessFigures {
  pid: number;
  name: string;
  /** Peak resident set size (VmHWM), MiB. */
  peakRssMiB: number;
  /** Resident set size when read (VmRSS), MiB. */
  rssMiB: number;
  /** User + system CPU time consumed so far, seconds. */
  cpuSeconds: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function statusKiB(status: string, field: string): number {
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match ? Number(match[1]) : 0;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces or parentheses. */
function statFields(pid: number): string[] | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** A readable role for one of the stack's processes. */
function describe(pid: number, comm: string, port: number): string {
  const cmdline = (readText(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ");
  if (comm === "workerd") {
    // `wrangler dev` runs two: its proxy on the public port and the worker's own runtime behind it.
    return cmdline.includes(`entry=127.0.0.1:${port} `) || cmdline.endsWith(`entry=127.0.0.1:${port}`)
      ? `workerd (on the public port ${port})`
      : "workerd (internal port)";
  }
  if (cmdline.includes("wrangler-dist/cli.js")) return "node (wrangler dev)";
  if (cmdline.includes("s3rver")) return "node (local S3 server)";
  if (cmdline.includes("wrangler/bin/wrangler.js")) return "node (wrangler launcher)";
  if (cmdline.includes("infra/local/start.ts")) {
    return cmdline.includes("--import")
      ? "node (infra/local/start.ts, Miniflare's host)"
      : "node (tsx launcher)";
  }
  return comm;
}

export function processFigures(pid: number, name: string): ProcessFigures | undefined {
  const status = readText(`/proc/${pid}/status`);
  const fields = statFields(pid);
  if (!status || !fields) return undefined;
  // utime and stime are fields 14 and 15 of stat; fields[] starts at field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    pid,
    name,
    peakRssMiB: statusKiB(status, "VmHWM") / 1024,
    rssMiB: statusKiB(status, "VmRSS") / 1024,
    cpuSeconds: ticks / CLOCK_TICKS,
  };
}

/** Every live process whose process group is `pgid` (the detached stack's leader pid). */
export function groupFigures(pgid: number, port: number): ProcessFigures[] {
  const out: ProcessFigures[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fields = statFields(pid);
    // pgrp is field 5 of stat.
    if (!fields || Number(fields[2]) !== pgid) continue;
    const comm = (readText(`/proc/${pid}/comm`) ?? "?").trim();
    const figures = processFigures(pid, describe(pid, comm, port));
    if (figures) out.push(figures);
  }
  return out.sort((a, b) => b.peakRssMiB - a.peakRssMiB);
}

/** This process: peak RSS from getrusage (maxrss, KiB) and current RSS. */
export function selfFigures(): ProcessFigures {
  const usage = process.resourceUsage();
  return {
    pid: process.pid,
    name: "node (this benchmark: load generator and baseline)",
    peakRssMiB: usage.maxRSS / 1024,
    rssMiB: process.memoryUsage().rss / 1024 / 1024,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  };
}

/** CPU seconds the whole machine has spent busy (all cores, /proc/stat) since boot. */
export function machineBusySeconds(): number {
  const line = readText("/proc/stat")?.split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLOCK_TICKS;
}

/** CPU seconds used so far by the given processes. */
export function cpuOf(processes: ProcessFigures[]): number {
  return processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
}

export interface CpuWindow {
  wallSeconds: number;
  /** CPU seconds the measured processes used in the window. */
  ownSeconds: number;
  /** CPU seconds everything else on the machine used in the window: interference. */
  otherSeconds: number;
  /** cores × wall seconds. */
  capacitySeconds: number;
}

/**
 * Watches a phase of the run: what the measured processes (returned by `own`) spent, and what the
 * rest of the machine spent meanwhile, so a busy machine shows up next to the figures it skewed.
 */
export function cpuWindow(cores: number, own: () => number): () => CpuWindow {
  const start = { wall: performance.now(), busy: machineBusySeconds(), own: own() };
  return () => {
    const wallSeconds = (performance.now() - start.wall) / 1000;
    const ownSeconds = own() - start.own;
    const busy = machineBusySeconds() - start.busy;
    return {
      wallSeconds,
      ownSeconds,
      otherSeconds: Math.max(0, busy - ownSeconds),
      capacitySeconds: cores * wallSeconds,
    };
  };
}
