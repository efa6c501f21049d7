/**
 * The local stack's EDGEFLOW_SECRETS_KEY (gateway secrets' AES-GCM key): 32 random bytes made on
 * the first `npm start` and kept beside the local D1 state, so secrets stored in one run open in
 * the next. A key in the environment wins (as `wrangler secret put` does for a deployed worker).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export function localSecretsKey(stateDir: string, environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.EDGEFLOW_SECRETS_KEY) return environment.EDGEFLOW_SECRETS_KEY;
  const file = resolve(stateDir, "edgeflow-secrets-key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const key = randomBytes(32).toString("base64");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
