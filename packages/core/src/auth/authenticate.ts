import { MlflowError, type UserRow } from "@edgeflow/schema";
import type { Database } from "../db";
import { ensureAdmin } from "./bootstrap";
import type { AuthConfig } from "./config";
import { verifyPassword } from "./password";
import { userOfToken } from "./tokens";
import { findUser } from "./users";

/** Who is calling, once their credentials checked out. */
export interface Principal {
  id: number;
  username: string;
  isAdmin: boolean;
  /** Some operations (minting tokens, changing a password) want the password, not a token. */
  via: "password" | "token";
}

export function unauthenticated(): MlflowError {
  return new MlflowError(
    "UNAUTHENTICATED",
    "You are not authenticated. Send a username and password (HTTP Basic; the MLflow client reads " +
      "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD) or an API token (Bearer; MLFLOW_TRACKING_TOKEN).",
  );
}

type Credentials = { kind: "basic"; username: string; password: string } | { kind: "bearer"; token: string };

export function parseAuthorization(header: string | null | undefined): Credentials | undefined {
  if (!header) return undefined;
  const space = header.indexOf(" ");
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (space < 0 || value === "") return undefined;
  if (scheme === "bearer") return { kind: "bearer", token: value };
  if (scheme !== "basic") return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(value), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function verify(db: Database, credentials: Credentials, now: number): Promise<Principal | undefined> {
  let user: UserRow | undefined;
  if (credentials.kind === "bearer") {
    user = await userOfToken(db, credentials.token, now);
  } else {
    const found = await findUser(db, credentials.username);
    if (await verifyPassword(found?.passwordHash, credentials.password)) user = found;
  }
  if (!user) return undefined;
  return {
    id: user.id,
    username: user.username,
    isAdmin: user.isAdmin,
    via: credentials.kind === "bearer" ? "token" : "password",
  };
}

/**
 * The caller behind an `Authorization` header. Throws UNAUTHENTICATED (401: the HTTP kit adds
 * MLflow's `WWW-Authenticate` challenge) when credentials are missing or wrong, and
 * TEMPORARILY_UNAVAILABLE (503) while auth is on but no admin exists and none is configured.
 * The admin check runs only on the failure path, so a good request costs one lookup.
 */
export async function authenticate(
  db: Database,
  config: AuthConfig,
  authorization: string | null | undefined,
  now: number,
): Promise<Principal> {
  const credentials = parseAuthorization(authorization);
  const first = credentials ? await verify(db, credentials, now) : undefined;
  if (first) return first;
  if (await ensureAdmin(db, config, now)) {
    // The configured admin was just created: their first request succeeds.
    const retry = credentials ? await verify(db, credentials, now) : undefined;
    if (retry) return retry;
  }
  throw unauthenticated();
}
