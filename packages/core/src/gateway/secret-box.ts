import { MlflowError } from "@edgeflow/schema";

/**
 * Gateway secrets at rest: AES-256-GCM through WebCrypto, keyed by the worker secret
 * EDGEFLOW_SECRETS_KEY (32 bytes, base64; `npm start` makes a local one). Each value gets a fresh
 * 12-byte nonce, and the secret's id and name are bound in as additional data (as MLflow binds
 * `secret_id|secret_name`), so a sealed value copied onto another row does not open.
 */
export interface SecretBox {
  seal(plaintext: string, boundTo: string): Promise<string>;
  open(sealed: string, boundTo: string): Promise<string>;
}

const NONCE_BYTES = 12;
const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function keyMissing(): MlflowError {
  return new MlflowError(
    "TEMPORARILY_UNAVAILABLE",
    "Gateway secrets need the worker secret EDGEFLOW_SECRETS_KEY (32 random bytes, base64): `openssl rand -base64 32 | npx wrangler secret put EDGEFLOW_SECRETS_KEY`.",
  );
}

/** The box for a configured key; undefined (every secret operation refused) when none is set. */
export function secretBox(keyBase64: string | undefined): SecretBox | undefined {
  if (!keyBase64) return undefined;
  let key: Promise<CryptoKey> | undefined;
  const cryptoKey = () => {
    key ??= (async () => {
      let raw: Uint8Array;
      try {
        raw = fromBase64(keyBase64.trim());
      } catch {
        raw = new Uint8Array(0);
      }
      if (raw.length !== 32) {
        throw new MlflowError("INTERNAL_ERROR", "EDGEFLOW_SECRETS_KEY must be 32 bytes, base64-encoded.");
      }
      return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    })();
    return key;
  };
  return {
    async seal(plaintext, boundTo) {
      const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
      const sealed = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(boundTo) },
        await cryptoKey(),
        encoder.encode(plaintext),
      );
      const out = new Uint8Array(NONCE_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), NONCE_BYTES);
      return toBase64(out);
    },
    async open(sealed, boundTo) {
      const bytes = fromBase64(sealed);
      try {
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: bytes.subarray(0, NONCE_BYTES), additionalData: encoder.encode(boundTo) },
          await cryptoKey(),
          bytes.subarray(NONCE_BYTES),
        );
        return new TextDecoder().decode(plain);
      } catch {
        // Never the key or the value in the message: only which secret would not open.
        throw new MlflowError(
          "INTERNAL_ERROR",
          "A gateway secret could not be decrypted with EDGEFLOW_SECRETS_KEY.",
        );
      }
    },
  };
}

/** MLflow's mask: the first 3 and last 4 characters of a value of 8 or more, else "***". */
export function maskSecretValue(value: string): string {
  return value.length < 8 ? "***" : `${value.slice(0, 3)}...${value.slice(-4)}`;
}
