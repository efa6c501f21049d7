import { MlflowError } from "@edgeflow/schema";
import { constantTimeEqual, fromBase64, randomBytes, sha256Hex, toBase64 } from "./encoding";

/**
 * Passwords are stored as PBKDF2-HMAC-SHA256 through WebCrypto: `pbkdf2-sha256$<iterations>$<salt>$<hash>`.
 * 100,000 iterations is the most the Workers runtime accepts (workerd refuses more, to bound the
 * CPU one call can take); OWASP asks for 600,000, so the gap is documented in docs/auth.md. Each
 * hash records its own iteration count, so raising it later keeps old hashes valid.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

/** CVE-2025-11200: MLflow accepted empty passwords. 12 characters is the floor (NIST's 8, plus margin). */
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
const MAX_USERNAME_LENGTH = 255;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${SCHEME}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

// A hash to verify against when the user does not exist, so a wrong username costs as much time
// as a wrong password and response times do not reveal which usernames exist.
let decoyHash: Promise<string> | undefined;

/**
 * Verified (stored hash, password) pairs of this isolate. The official client sends Basic
 * credentials on every request, and 100,000 iterations per request would dominate a log_metric
 * loop. A pair is keyed by SHA-256 over a random per-isolate key, the stored hash and the
 * password: a password change (new salt, new hash) misses the cache by construction.
 */
const verified = new Set<string>();
const MAX_VERIFIED = 1000;
// Drawn on first use: Workers allow no random values at global scope.
let isolateKey: string | undefined;

async function cacheKey(stored: string, password: string): Promise<string> {
  isolateKey ??= toBase64(randomBytes(32));
  return sha256Hex(`${isolateKey}\u0000${stored}\u0000${password}`);
}

/** Whether `password` matches `stored`; pass `undefined` for an unknown user (always false). */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    decoyHash ??= hashPassword(toBase64(randomBytes(16)));
    await verifyPassword(await decoyHash, password);
    return false;
  }
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await cacheKey(stored, password);
  if (verified.has(key)) return true;
  const [scheme, iterationsText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterationsText);
  const salt = fromBase64(saltText ?? "");
  const expected = fromBase64(hashText ?? "");
  if (scheme !== SCHEME || !salt || !expected) return false;
  // Refuse work factors this code never writes: a tampered row cannot buy unbounded CPU.
  if (!Number.isSafeInteger(iterations) || iterations < 10_000 || iterations > PBKDF2_ITERATIONS)
    return false;
  const ok = constantTimeEqual(await derive(password, salt, iterations), expected);
  if (ok) {
    if (verified.size >= MAX_VERIFIED) verified.clear();
    verified.add(key);
  }
  return ok;
}

export function validatePassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw MlflowError.invalidParameter(
      `Password must be at least ${MIN_PASSWORD_LENGTH} characters long (got ${password.length}).`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw MlflowError.invalidParameter(`Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  }
  return password;
}

/**
 * MLflow only refuses an empty username. A colon cannot travel in HTTP Basic credentials and
 * control characters would break logs, so both are refused too.
 */
export function validateUsername(username: string): string {
  if (username === "") throw MlflowError.invalidParameter("Username cannot be empty.");
  if (username.length > MAX_USERNAME_LENGTH) {
    throw MlflowError.invalidParameter(`Username must be at most ${MAX_USERNAME_LENGTH} characters long.`);
  }
  if (username.includes(":") || [...username].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f")) {
    throw MlflowError.invalidParameter("Username may not contain ':' or control characters.");
  }
  return username;
}
