import { describe, expect, it } from "vitest";
import { ExpiringCache } from "./expiring-cache";

describe("ExpiringCache", () => {
  it("reuses an entry until it expires", () => {
    const cache = new ExpiringCache<number>(5_000);
    cache.set("a", 1, 1_000);
    expect(cache.get("a", 5_999)).toBe(1);
    expect(cache.get("a", 6_000)).toBeUndefined();
  });

  it("keeps at most maxEntries, dropping the oldest set first", () => {
    const cache = new ExpiringCache<number>(5_000, 2);
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    cache.set("a", 3, 0); // set again: now the newest
    cache.set("c", 4, 0);
    expect([cache.get("a", 1), cache.get("b", 1), cache.get("c", 1)]).toEqual([3, undefined, 4]);
  });
});
