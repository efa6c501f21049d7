/**
 * A real S3-compatible server on 127.0.0.1 holding the artifact bucket, for `npm start`, the tests
 * and the benchmarks: s3rver in a child process (s3rver-process.cjs), on any free port, with its
 * data under `directory`.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const LOCAL_BUCKET = "edgeflow-artifacts";
/** s3rver's fixed development credentials. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

const script = fileURLToPath(new URL("./s3rver-process.cjs", import.meta.url));

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

export async function startLocalS3(directory: string, port = 0): Promise<LocalS3> {
  mkdirSync(directory, { recursive: true });
  const child = spawn(process.execPath, [script, directory, LOCAL_BUCKET, String(port)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the local S3 server exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  const { port: actualPort } = JSON.parse(firstLine) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    bucket: LOCAL_BUCKET,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}

/** The worker variables that point the artifact store at a local server. */
export function localS3Vars(s3: LocalS3): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_REGION: "us-east-1",
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  };
}
