/**
 * `npm run bench:serving` (issue 15, parts 4 and 5): what champion/challenger routing and request
 * logging cost a warm request. The whole local stack (what `npm start` runs) serves sst2 q8 under
 * three registered models: `plain` (the baseline, measured in the same run), `split` (an alias with
 * a 50/50 traffic split over two versions) and `logged` (request logging on, every body copied).
 * Requests go round-robin over the variants, so drift hits all alike. Prints a markdown table:
 * p50/p95/mean latency and their difference from the baseline, throughput with 4 concurrent
 * clients, and how many traces were written for the logged requests. BENCH_QUICK=1 for a smoke run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../infra/local/ports";
import { LOCAL_S3_CREDENTIALS } from "../infra/local/s3-server";
import { startLocalStack } from "../infra/local/stack";
import { FIXTURES, repoRoot, uploadFixtures } from "./inference/fixtures";
import { machineFacts } from "./lib/machine";
import { pool, type Summary, summarize } from "./lib/stats";

const quick = process.env.BENCH_QUICK === "1";
const ROUNDS = quick ? 60 : 600;
const WARMUP = quick ? 10 : 50;
const THROUGHPUT_REQUESTS = quick ? 80 : 800;
const CONCURRENCY = 4;
const BODY = JSON.stringify({ inputs: ["I love this", "I hate this"] });
const log = (message: string) => process.stderr.write(`[bench:serving] ${message}\n`);

const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-bench-serving-"));
const stack = await startLocalStack({ stateDir, port: await freePort(), inferencePort: await freePort() });
try {
  const api = async (path: string, body: unknown, version = "2.0") => {
    const response = await fetch(`${stack.tracking.url}/api/${version}/mlflow/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  log("uploading sst2 and registering the three models…");
  const paths = await uploadFixtures(
    {
      S3_ENDPOINT: stack.s3.endpoint,
      S3_BUCKET: stack.s3.bucket,
      S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    },
    { sst2: FIXTURES.sst2 as NonNullable<(typeof FIXTURES)["sst2"]> },
  );
  const source = `mlflow-artifacts:/${paths.sst2}`;
  const experiment = String(
    (await api("experiments/create", { name: "bench-serving-logs" })).experiment_id as string,
  );
  for (const [name, versions] of [
    ["plain", 1],
    ["split", 2],
    ["logged", 1],
  ] as const) {
    await api("registered-models/create", { name });
    for (let v = 0; v < versions; v += 1) await api("model-versions/create", { name, source });
    await api("registered-models/alias", { name, alias: "live", version: "1" });
  }
  await api("registered-models/set-tag", {
    name: "split",
    key: "edgeflow.traffic.live",
    value: JSON.stringify({ 1: 50, 2: 50 }),
  });
  await api("registered-models/set-tag", {
    name: "logged",
    key: "edgeflow.request_logging",
    value: JSON.stringify({ experiment_id: experiment }),
  });

  const variants = {
    "baseline: plain@live": "plain",
    "traffic split 50/50: split@live": "split",
    "request logging on: logged@live": "logged",
  } as const;
  let sent = 0;
  const invoke = async (model: string) => {
    sent += 1;
    const response = await fetch(`${stack.inference.url}/models/${model}@live/invocations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": `bench-${sent}` },
      body: BODY,
    });
    if (!response.ok) throw new Error(`${model} → ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  log("warming up…");
  for (const model of Object.values(variants)) for (let i = 0; i < WARMUP; i += 1) await invoke(model);
  const latencies = new Map<string, number[]>(Object.keys(variants).map((label) => [label, []]));
  log(`latency: ${ROUNDS} rounds over the three variants…`);
  for (let round = 0; round < ROUNDS; round += 1) {
    const entries = Object.entries(variants);
    // Rotated each round, so no variant always follows another.
    for (let k = 0; k < entries.length; k += 1) {
      const [label, model] = entries[(round + k) % entries.length] as [string, string];
      const started = performance.now();
      await invoke(model);
      latencies.get(label)?.push(performance.now() - started);
    }
  }
  const throughput = new Map<string, number>();
  for (const [label, model] of Object.entries(variants)) {
    log(`throughput: ${label}…`);
    const started = performance.now();
    await pool(CONCURRENCY, THROUGHPUT_REQUESTS, () => invoke(model));
    throughput.set(label, THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000));
  }
  const loggedRequests = WARMUP + ROUNDS + THROUGHPUT_REQUESTS;
  await new Promise((resolve) => setTimeout(resolve, 500));
  let written = 0;
  let token: string | undefined;
  do {
    const page = await api(
      "traces/search",
      {
        locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experiment } }],
        max_results: 500,
        ...(token ? { page_token: token } : {}),
      },
      "3.0",
    );
    written += ((page.traces as unknown[] | undefined) ?? []).length;
    token = page.next_page_token as string | undefined;
  } while (token);

  const baseline = summarize(latencies.get("baseline: plain@live") ?? []);
  const fmt = (ms: number) => ms.toFixed(2);
  const delta = (value: number, base: number) =>
    `${value - base >= 0 ? "+" : ""}${(value - base).toFixed(2)}`;
  const rows = [...latencies].map(([label, samples]) => {
    const s: Summary = summarize(samples);
    const rps = throughput.get(label) ?? 0;
    const baseRps = throughput.get("baseline: plain@live") ?? 1;
    return `| ${label} | ${fmt(s.p50)} (${delta(s.p50, baseline.p50)}) | ${fmt(s.p95)} (${delta(s.p95, baseline.p95)}) | ${fmt(s.mean)} | ${(s.p50 / baseline.p50).toFixed(3)}× | ${rps.toFixed(0)} (${(rps / baseRps).toFixed(2)}×) |`;
  });
  const facts = machineFacts(repoRoot);
  console.log(
    [
      `## Serving features: sst2 q8, 2 texts per request, ${ROUNDS} interleaved rounds`,
      "",
      `Machine: ${facts.cpuModel}, ${facts.cores} cores, Node ${facts.node}. Latency in ms (Δ vs the baseline in the same run).`,
      "",
      `| variant | p50 ms (Δ) | p95 ms (Δ) | mean ms | p50 ratio | req/s, ${CONCURRENCY} clients (ratio) |`,
      "|---|---|---|---|---|---|",
      ...rows,
      "",
      `Request logs: ${written} traces written for ${loggedRequests} logged requests.`,
    ].join("\n"),
  );
} finally {
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
