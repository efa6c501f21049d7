/**
 * The browser tests' world: the local stack (infra/local/stack.ts, as `npm start` runs it) on free
 * loopback ports with a throwaway state folder, a headless Chromium (Debian's package, driven by
 * playwright-core), an API client for arranging data, and screenshots into test-results/ui/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { freePort } from "../../infra/local/ports";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";
import { projectRoot } from "../../infra/local/wrangler";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const SHOTS = resolve(projectRoot, "test-results/ui");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface World {
  stack: LocalStack;
  url: string;
  browser: Browser;
  page: Page;
  api: Api;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Free loopback ports, or EDGEFLOW_UI_PORT and the one after it when set (a shared machine where
 * each user keeps to a port range).
 */
export async function stackPorts(): Promise<{ port: number; inferencePort: number }> {
  const base = Number(process.env.EDGEFLOW_UI_PORT || 0);
  if (base > 0) return { port: base, inferencePort: base + 1 };
  return { port: await freePort(), inferencePort: await freePort() };
}

export async function openWorld(environment: NodeJS.ProcessEnv = {}): Promise<World> {
  const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-ui-"));
  const stack = await startLocalStack({ stateDir, ...(await stackPorts()), environment });
  // Playwright gives the browser a new empty profile of its own (it refuses --user-data-dir).
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  mkdirSync(SHOTS, { recursive: true });
  const url = stack.tracking.url;
  return {
    stack,
    url,
    browser,
    page,
    api: new Api(url),
    shot: async (name) => {
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser.close().catch(() => {});
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** JSON calls to the stack's REST API, failing loudly on any error status. */
export class Api {
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...this.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  post<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.call<T>("POST", `/api/2.0/mlflow/${path}`, body);
  }

  async upload(path: string, content: string | Uint8Array, contentType = "application/octet-stream") {
    const response = await fetch(`${this.base}/api/2.0/mlflow-artifacts/artifacts/${path}`, {
      method: "PUT",
      headers: { "Content-Type": contentType, ...this.headers },
      body: content,
    });
    if (!response.ok) throw new Error(`upload ${path} → ${response.status} ${await response.text()}`);
  }

  /** A run with params and a `loss` history of `steps` points; returns its id. */
  async run(experimentId: string, name: string, params: Record<string, string>, steps = 50): Promise<string> {
    const { run } = await this.post<{ run: { info: { run_id: string } } }>("runs/create", {
      experiment_id: experimentId,
      run_name: name,
      start_time: Date.now(),
    });
    const runId = run.info.run_id;
    const seed = Number(params.lr ?? "1");
    await this.post("runs/log-batch", {
      run_id: runId,
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Array.from({ length: steps }, (_, step) => ({
        key: "loss",
        value: 1 / (1 + step * seed),
        timestamp: Date.now() + step,
        step,
      })),
    });
    return runId;
  }
}
