import { describe, expect, it } from "vitest";
import { maskSecretValue, secretBox } from "./secret-box";

const KEY = btoa(String.fromCharCode(...new Uint8Array(32).map((_, i) => i * 7)));

describe("gateway secret box", () => {
  it("opens what it sealed, bound to the same secret, and never the same ciphertext twice", async () => {
    const box = secretBox(KEY);
    if (!box) throw new Error("no box");
    const a = await box.seal('{"api_key":"sk-live-1234567890"}', "s-1|openai");
    const b = await box.seal('{"api_key":"sk-live-1234567890"}', "s-1|openai");
    expect(a).not.toBe(b);
    expect(a).not.toContain("sk-live");
    expect(await box.open(a, "s-1|openai")).toBe('{"api_key":"sk-live-1234567890"}');
  });

  it("refuses a value moved to another secret, or opened with another key, without echoing it", async () => {
    const sealed = await secretBox(KEY)?.seal("sk-live-1234567890", "s-1|openai");
    await expect(secretBox(KEY)?.open(sealed as string, "s-2|openai")).rejects.toThrow(
      /could not be decrypted/,
    );
    const other = btoa(String.fromCharCode(...new Uint8Array(32).fill(9)));
    const error = await secretBox(other)
      ?.open(sealed as string, "s-1|openai")
      .catch((e: Error) => e);
    expect(String(error)).not.toContain("sk-live");
  });

  it("has no box without a key, and refuses a key that is not 32 bytes", async () => {
    expect(secretBox(undefined)).toBeUndefined();
    await expect(secretBox(btoa("short"))?.seal("x", "y")).rejects.toThrow(/32 bytes/);
  });

  it("masks as MLflow does: first 3 and last 4 characters, or *** under 8", () => {
    expect(maskSecretValue("sk-abcdefghijklwxyz")).toBe("sk-...wxyz");
    expect(maskSecretValue("1234567")).toBe("***");
    expect(maskSecretValue("12345678")).toBe("123...5678");
  });
});
