import { describe, expect, it } from "vitest";
import { PBKDF2_ITERATIONS } from "./index";
import { hashPassword, validatePassword, validateUsername, verifyPassword } from "./password";

describe("password hashing", () => {
  it("writes salted PBKDF2-SHA256 hashes at the Workers maximum of iterations", async () => {
    const a = await hashPassword("correct horse battery staple");
    const b = await hashPassword("correct horse battery staple");
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$`));
    expect(a).not.toBe(b);
  });

  it("verifies the right password and refuses wrong, truncated and extended ones", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(stored, "correct horse battery staple")).toBe(true);
    // Twice: the second answer comes from the isolate's cache of verified pairs.
    expect(await verifyPassword(stored, "correct horse battery staple")).toBe(true);
    for (const wrong of [
      "correct horse battery stapl",
      "correct horse battery staple!",
      "",
      "CORRECT HORSE BATTERY STAPLE",
    ]) {
      expect(await verifyPassword(stored, wrong)).toBe(false);
    }
    expect(await verifyPassword(undefined, "anything at all")).toBe(false);
  });

  it("refuses stored hashes it never writes (other schemes, absurd work factors)", async () => {
    const stored = await hashPassword("correct horse battery staple");
    const [, , salt, hash] = stored.split("$");
    for (const tampered of [
      `pbkdf2-sha256$1$${salt}$${hash}`,
      `pbkdf2-sha256$100000000$${salt}$${hash}`,
      `pbkdf2-sha1$100000$${salt}$${hash}`,
      `pbkdf2-sha256$100000$***$${hash}`,
      "plain",
    ]) {
      expect(await verifyPassword(tampered, "correct horse battery staple")).toBe(false);
    }
  });

  it("validates passwords (CVE-2025-11200) and usernames", () => {
    expect(() => validatePassword("")).toThrow(/at least 12/);
    expect(() => validatePassword("11 chars...")).toThrow(/at least 12/);
    expect(validatePassword("twelve chars")).toBe("twelve chars");
    expect(() => validatePassword("x".repeat(1025))).toThrow(/at most/);
    expect(() => validateUsername("")).toThrow("Username cannot be empty.");
    expect(() => validateUsername("a:b")).toThrow(/':'/);
    expect(() => validateUsername("a\nb")).toThrow(/control/);
    expect(validateUsername("alice@example.com")).toBe("alice@example.com");
  });
});
