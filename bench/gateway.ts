/**
 * `npm run bench:gateway` (issue 16): what the AI gateway adds to a call. One OpenAI-compatible
 * upstream on loopback (the tests' stand-in, test/setup/llm-server.ts) is called two ways in the
 * same run, interleaved: directly (the baseline) and through the local stack's tracking worker as
 * a gateway endpoint (`POST /v1/chat/completions`, model = the endpoint). Prints p50/p95 latency of
 * whole answers and the time to the first streamed event, each with what the gateway added and the
 * ratio, and throughput with 4 clients. BENCH_QUICK=1 for a smoke run.
 */

import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../infra/local/ports";
import { startLocalStack } from "../infra/local/stack";
import { startLlmServer } from "../test/setup/llm-server";
import { repoRoot } from "./inference/fixtures";
import { HttpClient } from "./lib/http";
import { machineFacts } from "./lib/machine";
import { pool, summarize } from "./lib/stats";

const quick = process.env.BENCH_QUICK === "1";
const ROUNDS = quick ? 100 : 1000;
const WARMUP = quick ? 20 : 100;
const STREAM_ROUNDS = quick ? 20 : 200;
const THROUGHPUT_REQUESTS = quick ? 200 : 2000;
const CONCURRENCY = 4;
const KEY = "sk-test-bench-0123456789";
const log = (message: string) => process.stderr.write(`[bench:gateway] ${message}\n`);

/**
 * POSTs `body` and reads the answer to its end; resolves with the milliseconds to its first body
 * bytes (for a stream: its first event). A non-200 answer is an error.
 */
function post(
  agent: http.Agent,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        let first: number | undefined;
        response.on("data", () => {
          first ??= performance.now() - started;
        });
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(first ?? Number.NaN)
            : reject(new Error(`${url} → ${response.statusCode}`)),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const upstream = await startLlmServer();
const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-bench-gateway-"));
const stack = await startLocalStack({
  stateDir,
  port: await freePort(),
  inferencePort: await freePort(),
  environment: { ...process.env, EDGEFLOW_OUTBOUND_ALLOW: new URL(upstream.url).host },
});
const gateway = new HttpClient(stack.tracking.url);
const agents = { direct: new http.Agent({ keepAlive: true }), gateway: new http.Agent({ keepAlive: true }) };
try {
  const store = (path: string, body: unknown) =>
    gateway.json<Record<string, Record<string, string>>>("POST", `/api/3.0/mlflow/gateway/${path}`, body);
  log("creating the secret, model definition and endpoint…");
  const { secret } = await store("secrets/create", {
    secret_name: "bench",
    secret_value: { api_key: KEY },
    provider: "openai",
    auth_config: { api_base: `${upstream.url}/v1` },
  });
  const { model_definition } = await store("model-definitions/create", {
    name: "bench",
    secret_id: secret?.secret_id,
    provider: "openai",
    model_name: "stand-in",
  });
  // The default (usage tracking on: a trace per call, written after the answer) and without it.
  for (const [name, usageTracking] of [
    ["bench", true],
    ["bench-untracked", false],
  ] as const) {
    await store("endpoints/create", {
      name,
      usage_tracking: usageTracking,
      model_configs: [
        { model_definition_id: model_definition?.model_definition_id, linkage_type: "PRIMARY" },
      ],
    });
  }

  const messages = [{ role: "user", content: "How far is the moon?" }];
  // The same upstream body either way: the gateway sends the configured model and the key.
  const directBody = JSON.stringify({ model: "stand-in", messages });
  const gatewayBody = JSON.stringify({ model: "bench", messages });
  const untrackedBody = JSON.stringify({ model: "bench-untracked", messages });
  const directUrl = new URL("/v1/chat/completions", upstream.url);
  const gatewayUrl = new URL("/v1/chat/completions", stack.tracking.url);
  const withKey = { authorization: `Bearer ${KEY}` };
  const sides = {
    direct: (body = directBody) => post(agents.direct, directUrl, body, withKey),
    gateway: (body = gatewayBody) => post(agents.gateway, gatewayUrl, body),
    untracked: (body = untrackedBody) => post(agents.gateway, gatewayUrl, body),
  };

  log("warming up…");
  for (let i = 0; i < WARMUP; i++) for (const call of Object.values(sides)) await call();
  const latency: Record<keyof typeof sides, number[]> = { direct: [], gateway: [], untracked: [] };
  log(`latency: ${ROUNDS} interleaved rounds…`);
  // One gateway side at a time against the baseline: a tracked call's trace is written after its
  // answer and would otherwise land on the untracked side's clock.
  const passes = [
    ["direct", "untracked"],
    ["direct", "gateway"],
  ] as const;
  for (let round = 0; round < 2 * ROUNDS; round++) {
    const pass = passes[round < ROUNDS ? 0 : 1];
    const order = round % 2 === 0 ? pass : ([...pass].reverse() as (typeof pass)[number][]);
    for (const side of order) {
      const started = performance.now();
      await sides[side]();
      latency[side].push(performance.now() - started);
    }
  }

  log(`time to first streamed event: ${STREAM_ROUNDS} interleaved rounds…`);
  const ttft: Record<keyof typeof sides, number[]> = { direct: [], gateway: [], untracked: [] };
  const streamBody = (model: string) => JSON.stringify({ model, messages, stream: true });
  for (const [side, endpoint] of [
    ["untracked", "bench-untracked"],
    ["gateway", "bench"],
  ] as const) {
    for (let round = 0; round < STREAM_ROUNDS; round++) {
      ttft[side].push(await sides[side](streamBody(endpoint)));
      ttft.direct.push(await sides.direct(streamBody("stand-in")));
    }
  }

  const throughput: Record<string, number> = {};
  for (const [side, call] of Object.entries(sides)) {
    log(`throughput: ${side}, ${CONCURRENCY} clients…`);
    const started = performance.now();
    await pool(CONCURRENCY, THROUGHPUT_REQUESTS, () => call().then(() => undefined));
    throughput[side] = THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000);
  }

  const d = summarize(latency.direct);
  const g = summarize(latency.gateway);
  const u = summarize(latency.untracked);
  const td = summarize(ttft.direct);
  const tg = summarize(ttft.gateway);
  const tu = summarize(ttft.untracked);
  const fmt = (ms: number) => ms.toFixed(2);
  const row = (figure: string, base: number, untracked: number, tracked: number) =>
    `| ${figure} | ${fmt(base)} | ${fmt(untracked)} (+${fmt(untracked - base)}, ${(untracked / base).toFixed(2)}×) | ${fmt(tracked)} (+${fmt(tracked - base)}, ${(tracked / base).toFixed(2)}×) |`;
  const rate = (side: string) => throughput[side] ?? 0;
  const facts = machineFacts(repoRoot);
  console.log(
    [
      `## AI gateway overhead${quick ? " (BENCH_QUICK=1 smoke run)" : ""}`,
      "",
      `Machine: ${facts.cores} cores (${facts.cpuModel}), ${facts.memoryGiB.toFixed(1)} GiB, ${facts.os}; node ${facts.node}; miniflare ${facts.versions.miniflare}, workerd ${facts.versions.workerd}.`,
      `${ROUNDS} interleaved rounds of one chat request each way after ${WARMUP} warm-up rounds; ${STREAM_ROUNDS} streamed rounds; throughput: ${THROUGHPUT_REQUESTS} requests, ${CONCURRENCY} clients.`,
      "",
      "| figure | direct to the upstream (baseline) | gateway, usage tracking off (added, ratio) | gateway, usage tracking on: the default (added, ratio) |",
      "|---|---:|---:|---:|",
      row("chat answer p50 (ms)", d.p50, u.p50, g.p50),
      row("chat answer p95 (ms)", d.p95, u.p95, g.p95),
      row("time to first streamed event p50 (ms)", td.p50, tu.p50, tg.p50),
      row("time to first streamed event p95 (ms)", td.p95, tu.p95, tg.p95),
      `| throughput, ${CONCURRENCY} clients (req/s) | ${rate("direct").toFixed(0)} | ${rate("untracked").toFixed(0)} (${(rate("untracked") / rate("direct")).toFixed(2)}×) | ${rate("gateway").toFixed(0)} (${(rate("gateway") / rate("direct")).toFixed(2)}×) |`,
      "",
      "Direct = node:http to the stand-in, keep-alive, with the key. Gateway = the same client to the tracking worker in " +
        "Miniflare (what `npm start` runs), which looks the endpoint up in local D1, opens the secret (AES-GCM), maps " +
        "the request, calls the same stand-in through fetch and maps the answer (or each streamed event) back. " +
        "Both sides share the machine's cores with the load generator and the stand-in.",
    ].join("\n"),
  );
} finally {
  gateway.close();
  agents.direct.destroy();
  agents.gateway.destroy();
  await stack.stop();
  await upstream.close();
  rmSync(stateDir, { recursive: true, force: true });
}
