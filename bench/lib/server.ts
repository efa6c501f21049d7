/**
 * Starts the project's own local stack (infra/local/start.ts: local D1 migrations, then
 * `wrangler dev` on 127.0.0.1) in its own process group, and stops the whole group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../infra/local/ports";

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface Stack {
  url: string;
  port: number;
  /** Process group id of the stack (the pid of its leader). */
  pgid: number;
  stateDir: string;
  /** Seconds from spawn to "Edgeflow is running". */
  startSeconds: number;
  stop(): Promise<void>;
}

const READY = "Edgeflow is running";

/** Starts `infra/local/start.ts` of the tree at `root` (the project itself or a snapshot of it). */
export async function startStack(options: {
  root: string;
  port: number;
  keepState: boolean;
  timeoutMs?: number;
}): Promise<Stack> {
  const port = options.port === 0 ? await freePort() : options.port;
  const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-bench-"));
  const started = performance.now();
  const child: ChildProcess = spawn(join(options.root, "node_modules/.bin/tsx"), ["infra/local/start.ts"], {
    cwd: options.root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      // Unless told, the inference worker takes any free port too: a bench beside `npm start`
      // would otherwise collide on 5001.
      INFERENCE_PORT: process.env.INFERENCE_PORT ?? "0",
      EDGEFLOW_STATE_DIR: stateDir,
      WRANGLER_SEND_METRICS: "false",
      NO_UPDATE_NOTIFIER: "1",
    },
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error("could not spawn infra/local/start.ts");

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  child.on("exit", () => {
    exited = true;
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // the group is already gone
    }
  };
  // Whatever happens to this process, the stack must not outlive it.
  const onExit = () => killGroup("SIGKILL");
  process.on("exit", onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup("SIGTERM");
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([exitedPromise, timeout]);
    // Stragglers (workerd) that ignored SIGTERM, or the leader's children after it exited.
    killGroup("SIGKILL");
    process.off("exit", onExit);
    if (!options.keepState) rmSync(stateDir, { recursive: true, force: true });
  };

  // Keep the last lines of output to explain a failed start.
  const log: string[] = [];
  const remember = (chunk: Buffer) => {
    log.push(...chunk.toString("utf8").split("\n"));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stderr?.on("data", remember);

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`the stack did not print '${READY}' within ${(options.timeoutMs ?? 180_000) / 1000} s`),
          ),
        options.timeoutMs ?? 180_000,
      );
      child.stdout?.on("data", (chunk: Buffer) => {
        remember(chunk);
        if (log.some((line) => line.includes(READY))) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`infra/local/start.ts exited with ${code} before '${READY}'`));
      });
    });
  } catch (error) {
    await stop();
    const tail = log.filter((line) => line.trim() !== "").slice(-40);
    throw new Error(`${(error as Error).message}\n--- last output of the stack ---\n${tail.join("\n")}`);
  }
  // Stop remembering routine output; keep draining the pipes so the stack never blocks on them.
  child.stdout?.removeAllListeners("data");
  child.stderr?.removeAllListeners("data");
  child.stdout?.resume();
  child.stderr?.on("data", (chunk: Buffer) => {
    if (!exited) process.stderr.write(`[stack] ${chunk.toString("utf8")}`);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pgid,
    stateDir,
    startSeconds: (performance.now() - started) / 1000,
    stop,
  };
}
