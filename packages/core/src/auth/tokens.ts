import {
  type ApiTokenWire,
  apiTokens,
  type CreateApiToken,
  type Infer,
  MlflowError,
  type UserRow,
  users,
} from "@edgeflow/schema";
import { and, desc, eq, gt } from "drizzle-orm";
import type { Database } from "../db";
import { randomBytes, sha256Hex, toBase64Url, toHex } from "./encoding";

/**
 * API tokens for `Authorization: Bearer` (the client's MLFLOW_TRACKING_TOKEN): 256 random bits
 * behind a recognisable prefix (so secret scanners can spot a leaked one), shown once, stored as
 * their SHA-256, expiring after at most a year, revocable by their owner or an admin.
 */
export const TOKEN_PREFIX = "efp_";
export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;
const MAX_NAME_LENGTH = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function createApiToken(
  db: Database,
  owner: { id: number; username: string },
  input: Infer<typeof CreateApiToken.spec>,
  now: number,
): Promise<{ token: string; token_info: ApiTokenWire }> {
  const name = input.name ?? "";
  if (name.length > MAX_NAME_LENGTH) {
    throw MlflowError.invalidParameter(`A token name must be at most ${MAX_NAME_LENGTH} characters long.`);
  }
  const days = input.expires_in_days ?? DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    throw MlflowError.invalidParameter(
      `expires_in_days must be between 1 and ${MAX_TOKEN_DAYS}, got ${days}.`,
    );
  }
  const token = TOKEN_PREFIX + toBase64Url(randomBytes(32));
  const row = {
    id: toHex(randomBytes(8)),
    userId: owner.id,
    name,
    tokenHash: await sha256Hex(token),
    creationTime: now,
    expirationTime: now + days * DAY_MS,
  };
  await db.insert(apiTokens).values(row);
  return { token, token_info: tokenToWire(row, owner.username) };
}

export async function listApiTokens(
  db: Database,
  user: { id: number; username: string },
): Promise<ApiTokenWire[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, user.id))
    .orderBy(desc(apiTokens.creationTime));
  return rows.map((row) => tokenToWire(row, user.username));
}

/** Revokes a token of `owner` (an admin passes no owner and may revoke anyone's). */
export async function revokeApiToken(db: Database, id: string, owner?: { id: number }): Promise<void> {
  const where = owner ? and(eq(apiTokens.id, id), eq(apiTokens.userId, owner.id)) : eq(apiTokens.id, id);
  const deleted = await db.delete(apiTokens).where(where).returning({ id: apiTokens.id });
  // Someone else's token is reported missing too: ids are not an oracle for other users' tokens.
  if (deleted.length === 0) throw MlflowError.notFound(`API token with id=${id} not found`);
}

/** The owner of an unexpired token, or undefined. */
export async function userOfToken(db: Database, token: string, now: number): Promise<UserRow | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db
    .select({ user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), gt(apiTokens.expirationTime, now)))
    .get();
  return row?.user;
}

function tokenToWire(
  row: { id: string; name: string; creationTime: number; expirationTime: number },
  username: string,
): ApiTokenWire {
  return {
    id: row.id,
    name: row.name,
    username,
    creation_time: row.creationTime,
    expiration_time: row.expirationTime,
  };
}
