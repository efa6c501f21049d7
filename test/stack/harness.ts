/**
 * The CLI and SDK against a whole local stack (infra/local/stack.ts, what `npm start` runs) on free
 * loopback ports with a throwaway state folder: real workers in workerd, local D1, the S3 server.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "@edgeflow/cli";
import { freePort } from "../../infra/local/ports";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";
import { nodeFiles } from "../../packages/cli/src/node";

export const SHARED = resolve(import.meta.dirname, "../../../shared");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout as the one JSON document --json prints. */
  json<T = Record<string, unknown>>(): T;
}

export interface StackWorld {
  stack: LocalStack;
  scratch: string;
  edgeflow(argv: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** The stack's settings (EDGEFLOW_AUTH, the first admin...), instead of process.env's. */
  environment?: NodeJS.ProcessEnv;
  /** More of the CLI's environment, e.g. MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD. */
  cliEnv?: Record<string, string>;
}

export async function openStack(options: StackOptions = {}): Promise<StackWorld> {
  const stateDir = mkdtempSync(join(tmpdir(), "edgeflow-stack-"));
  const stack = await startLocalStack({
    stateDir,
    port: await freePort(),
    inferencePort: await freePort(),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  const scratch = join(stateDir, "scratch");
  mkdirSync(scratch);
  // No EDGEFLOW_INFERENCE_URI: the CLI learns the inference URL from the tracking server.
  const env = { ...options.cliEnv, MLFLOW_TRACKING_URI: stack.tracking.url };
  return {
    stack,
    scratch,
    async edgeflow(argv) {
      let stdout = "";
      let stderr = "";
      const status = await main(argv, {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        env,
        isTTY: false,
        files: nodeFiles,
      });
      return { status, stdout, stderr, json: () => JSON.parse(stdout) };
    },
    close: async () => {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fixture from ../shared/models as a user's export folder: config, tokenizer and fp32 weights,
 * without the MLmodel, the input example or the q8 weights the fixture ships.
 */
export function exportFolder(world: StackWorld, fixture: string): string {
  const target = join(world.scratch, `${fixture}-${crypto.randomUUID().slice(0, 8)}`);
  cpSync(resolve(SHARED, "models", fixture), target, {
    recursive: true,
    filter: (source) =>
      !/(MLmodel[^/]*|input_example\.json|expected\.json|model_quantized\.onnx)$/.test(source),
  });
  return target;
}

/**
 * A fixture quantised, logged and registered as `name` with alias `champion` through the CLI
 * (`models log --quantize q8 --register <name> --alias champion --json`): the set-up of the
 * tests that serve a model rather than test the CLI.
 */
export async function registerChampion(world: StackWorld, fixture: string, name: string): Promise<CliResult> {
  return world.edgeflow([
    "models",
    "log",
    exportFolder(world, fixture),
    "--quantize",
    "q8",
    "--register",
    name,
    "--alias",
    "champion",
    "--json",
  ]);
}
