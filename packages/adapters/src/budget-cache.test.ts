import { describe, expect, it } from "vitest";
import { BudgetCache } from "./budget-cache";

describe("BudgetCache", () => {
  it("shares loads, evicts least recently used and refuses what cannot fit", async () => {
    const disposed: string[] = [];
    const cache = new BudgetCache<string>(10, (value) => disposed.push(value));
    let loads = 0;
    const load = (value: string) => async () => {
      loads += 1;
      return value;
    };
    const [a1, a2] = await Promise.all([
      cache.getOrLoad("a", 4, load("A")),
      cache.getOrLoad("a", 4, load("A")),
    ]);
    expect([a1, a2, loads]).toEqual(["A", "A", 1]);
    await cache.getOrLoad("b", 4, load("B"));
    await cache.getOrLoad("a", 4, load("A"));
    await cache.getOrLoad("c", 4, load("C"));
    expect([cache.has("a"), cache.has("b"), cache.has("c"), cache.usedBytes]).toEqual([true, false, true, 8]);
    await Promise.resolve();
    expect(disposed).toEqual(["B"]);
    await expect(cache.getOrLoad("big", 11, load("X"))).rejects.toThrow(RangeError);
  });

  it("forgets failed loads", async () => {
    const cache = new BudgetCache<string>(10);
    await expect(cache.getOrLoad("a", 4, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await Promise.resolve();
    expect([cache.has("a"), cache.usedBytes]).toEqual([false, 0]);
  });
});
