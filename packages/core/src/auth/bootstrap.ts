import { MlflowError, users } from "@edgeflow/schema";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db";
import type { AuthConfig } from "./config";
import { hashPassword, MIN_PASSWORD_LENGTH, validatePassword, validateUsername } from "./password";

/**
 * There is no default admin password: the first admin comes from EDGEFLOW_ADMIN_USERNAME and
 * EDGEFLOW_ADMIN_PASSWORD (wrangler secrets), and only while no admin exists. Once one does, the
 * secrets are ignored (an admin's password change sticks); if every admin is gone, the secrets
 * bring one back, which is also how a lost admin password is recovered.
 */

function unavailable(message: string): MlflowError {
  return new MlflowError("TEMPORARILY_UNAVAILABLE", message);
}

const HOW = `Set them with \`wrangler secret put EDGEFLOW_ADMIN_USERNAME\` and \`wrangler secret put EDGEFLOW_ADMIN_PASSWORD\` (at least ${MIN_PASSWORD_LENGTH} characters), or run \`EDGEFLOW_AUTH=on EDGEFLOW_ADMIN_USERNAME=... EDGEFLOW_ADMIN_PASSWORD=... npm start\` locally.`;

async function adminExists(db: Database): Promise<boolean> {
  const row = await db.select({ id: users.id }).from(users).where(eq(users.isAdmin, true)).limit(1).get();
  return row !== undefined;
}

/**
 * Makes sure an admin exists, creating (or promoting and resetting) the configured one if none
 * does. Returns whether it had to. Throws a 503 explaining the setup when it cannot.
 */
export async function ensureAdmin(db: Database, config: AuthConfig, now: number): Promise<boolean> {
  if (await adminExists(db)) return false;
  const admin = config.bootstrapAdmin;
  if (!admin) {
    throw unavailable(
      `Auth is on and no admin user exists yet: give this server its first admin with the EDGEFLOW_ADMIN_USERNAME and EDGEFLOW_ADMIN_PASSWORD secrets. ${HOW}`,
    );
  }
  try {
    validateUsername(admin.username);
    validatePassword(admin.password);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw unavailable(
      `The admin secrets EDGEFLOW_ADMIN_USERNAME / EDGEFLOW_ADMIN_PASSWORD are unusable: ${why} ${HOW}`,
    );
  }
  const passwordHash = await hashPassword(admin.password);
  await db
    .insert(users)
    .values({ username: admin.username, passwordHash, isAdmin: true, creationTime: now })
    .onConflictDoUpdate({ target: users.username, set: { passwordHash, isAdmin: sql`1` } });
  return true;
}
