/**
 * The serving-equivalent native baseline: the same onnxruntime-node pipeline as ./native.ts behind
 * a minimal scoring server (node:http, keep-alive) that speaks the `/invocations` JSON Edgeflow
 * answers, in a one-thread child process, driven over loopback by the same client as Edgeflow.
 * Against it the ratio shows what Edgeflow costs beyond serving a model over HTTP at all.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { HttpClient } from "../lib/http";
import { processFigures } from "../lib/processes";
import { sampleLatency, summarize } from "../lib/stats";
import { firstJsonLine, loadNativePipeline, spawnNativeChild } from "./native";
import { type BenchModel, httpPredictor, measureWarm, type Settings, type SideResult } from "./workload";

interface Ready {
  port: number;
  /** ms from importing transformers.js to the server listening (pipeline loaded). */
  readyMs: number;
  idleRssMiB: number;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Scores one request: `{"inputs": [text, …], "params"?}` → `{"predictions": […]}`, one input at a time. */
async function score(predict: (text: string) => Promise<unknown>, body: string): Promise<unknown> {
  const { inputs } = JSON.parse(body) as { inputs?: unknown };
  if (!Array.isArray(inputs) || !inputs.every((x) => typeof x === "string")) {
    throw new Error("inputs must be a list of strings");
  }
  const predictions: unknown[] = [];
  for (const text of inputs) predictions.push(await predict(text));
  return { predictions };
}

/** In the child: load the pipeline, listen on a free loopback port, print the Ready line, serve until SIGTERM. */
export async function serveNativeChild(model: BenchModel): Promise<never> {
  const native = await loadNativePipeline(model);
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/ping") {
      res.writeHead(200, { "content-length": 1 });
      res.end("\n");
      return;
    }
    if (req.method !== "POST" || req.url !== "/invocations") {
      send(res, 404, { error_code: "ENDPOINT_NOT_FOUND", message: `${req.method} ${req.url}` });
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      score(native.predict, Buffer.concat(chunks).toString("utf8")).then(
        (answer) => send(res, 200, answer),
        (error: Error) => send(res, 400, { error_code: "BAD_REQUEST", message: error.message }),
      );
    });
  });
  // The benchmark's client keeps one connection per client busy; never close it between phases.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const ready: Ready = {
    port: (server.address() as AddressInfo).port,
    readyMs: performance.now() - native.t0,
    idleRssMiB: native.idleRssMiB,
  };
  process.stdout.write(`\n${JSON.stringify(ready)}\n`);
  process.on("SIGTERM", () => process.exit(0));
  return new Promise<never>(() => {});
}

/** In the parent: start the served child, measure it like Edgeflow, stop it. */
export async function runNativeServed(model: BenchModel, s: Settings): Promise<SideResult> {
  const child = spawnNativeChild("--native-serve", model);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let client: HttpClient | undefined;
  try {
    const ready = await firstJsonLine<Ready>(child, `the served native baseline for ${model.fixture}`);
    const pid = child.pid as number;
    client = new HttpClient(`http://127.0.0.1:${ready.port}`);
    const http = client;
    const predict = httpPredictor(http, "/invocations", model);
    const t = performance.now();
    const outputs: unknown[] = [await predict(0)];
    const firstRequest = performance.now() - t;
    for (let i = 1; i < model.inputs.length; i++) outputs.push(await predict(i));
    const warm = await measureWarm(s, predict, () => processFigures(pid, "node")?.cpuSeconds ?? Number.NaN);
    const ping = await sampleLatency(s.warmup, s.measured, () => http.ok("GET", "/ping"));
    return {
      coldMs: ready.readyMs + firstRequest,
      coldParts: { importLoadListen: ready.readyMs, firstRequest },
      ...warm,
      idleRssMiB: ready.idleRssMiB,
      peakRssMiB: processFigures(pid, "node")?.peakRssMiB ?? Number.NaN,
      pingP50Ms: summarize(ping).p50,
      outputs,
    };
  } finally {
    client?.close();
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  }
}
