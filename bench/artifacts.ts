/**
 * `npm run bench:artifacts`: artifact throughput through Edgeflow's proxy against a raw S3 client
 * on the same local S3 server, in the same run. Figures: one large file (default 200 MB) up and
 * down, and many small files (default 1,000 × 10 KB) up and down with 8 in flight.
 * BENCH_ARTIFACT_MB and BENCH_SMALL_FILES scale it; BENCH_QUICK=1 is a smoke run.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { type ArtifactClient, proxyClient, rawS3Client } from "./artifacts/clients";
import { startArtifactStack } from "./artifacts/stack";
import { processFigures } from "./lib/processes";
import { pool, summarize } from "./lib/stats";

const quick = process.env.BENCH_QUICK === "1";
const largeMb = Number(process.env.BENCH_ARTIFACT_MB ?? (quick ? 20 : 200));
const smallFiles = Number(process.env.BENCH_SMALL_FILES ?? (quick ? 100 : 1000));
const smallBytes = 10 * 1024;
const concurrency = 8;
const repeats = quick ? 1 : 3;

interface Figures {
  largeUpMBps: number;
  largeDownMBps: number;
  smallUpFilesPerSec: number;
  smallDownFilesPerSec: number;
  smallUpP50: number;
  smallUpP95: number;
  smallDownP50: number;
  smallDownP95: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

async function measure(client: ArtifactClient, run: string): Promise<Figures> {
  const large = new Uint8Array(largeMb * 1024 * 1024);
  for (let i = 0; i < large.length; i += 4096) large[i] = (i / 4096) & 0xff;
  const up: number[] = [];
  const down: number[] = [];
  for (let r = 0; r < repeats; r += 1) {
    const path = `${run}/large-${r}.bin`;
    up.push(largeMb / (await timed(() => client.put(path, large))));
    let received = 0;
    const seconds = await timed(async () => {
      received = await client.get(path);
    });
    down.push(largeMb / seconds);
    if (received !== large.length)
      throw new Error(`${client.name}: downloaded ${received} of ${large.length} bytes`);
  }
  const small = new Uint8Array(smallBytes).fill(42);
  const upLatencies: number[] = [];
  const downLatencies: number[] = [];
  const upSeconds = await timed(() =>
    pool(concurrency, smallFiles, async (i) => {
      const start = performance.now();
      await client.put(`${run}/small/f${i}.bin`, small);
      upLatencies.push(performance.now() - start);
    }),
  );
  const downSeconds = await timed(() =>
    pool(concurrency, smallFiles, async (i) => {
      const start = performance.now();
      await client.get(`${run}/small/f${i}.bin`);
      downLatencies.push(performance.now() - start);
    }),
  );
  const upSummary = summarize(upLatencies);
  const downSummary = summarize(downLatencies);
  return {
    largeUpMBps: median(up),
    largeDownMBps: median(down),
    smallUpFilesPerSec: smallFiles / upSeconds,
    smallDownFilesPerSec: smallFiles / downSeconds,
    smallUpP50: upSummary.p50,
    smallUpP95: upSummary.p95,
    smallDownP50: downSummary.p50,
    smallDownP95: downSummary.p95,
  };
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

/** workerd processes this benchmark started (through Miniflare), for their peak memory. */
function workerdPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd";
      } catch {
        return false;
      }
    })
    .map(Number);
}

const stack = await startArtifactStack();
try {
  const run = `bench-${Date.now()}`;
  const baseline = await measure(rawS3Client(stack), run);
  const edgeflow = await measure(proxyClient(stack), run);
  const rows: [string, keyof Figures, string][] = [
    [`${largeMb} MB file upload`, "largeUpMBps", "MB/s"],
    [`${largeMb} MB file download`, "largeDownMBps", "MB/s"],
    [`${smallFiles} × 10 KB upload (${concurrency} in flight)`, "smallUpFilesPerSec", "files/s"],
    [`${smallFiles} × 10 KB download (${concurrency} in flight)`, "smallDownFilesPerSec", "files/s"],
    ["10 KB upload latency p50", "smallUpP50", "ms"],
    ["10 KB upload latency p95", "smallUpP95", "ms"],
    ["10 KB download latency p50", "smallDownP50", "ms"],
    ["10 KB download latency p95", "smallDownP95", "ms"],
  ];
  console.log(
    `\nArtifact benchmark — ${cpus().length} cores, Node ${process.version}, median of ${repeats} for the large file\n`,
  );
  console.log("| figure | Edgeflow proxy | raw S3 client | Edgeflow / raw |");
  console.log("|---|---|---|---|");
  for (const [label, key, unit] of rows) {
    console.log(
      `| ${label} | ${fmt(edgeflow[key])} ${unit} | ${fmt(baseline[key])} ${unit} | ${fmt(edgeflow[key] / baseline[key], 2)} |`,
    );
  }
  for (const pid of workerdPids()) {
    const figures = processFigures(pid, "workerd");
    if (figures)
      console.log(
        `\nworkerd (the worker): peak RSS ${fmt(figures.peakRssMiB, 0)} MiB, RSS now ${fmt(figures.rssMiB, 0)} MiB.`,
      );
  }
  const memory = process.memoryUsage();
  console.log(
    `\nThis process (load generator + baseline): RSS ${fmt(memory.rss / 2 ** 20, 0)} MiB, peak ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB.`,
  );
  console.log(
    "Both clients talk to the same s3rver on 127.0.0.1; the proxy adds the worker hop (workerd via Miniflare).",
  );
} finally {
  await stack.stop();
}
