/**
 * Values that cost memory (loaded pipelines), kept per isolate within a byte budget, least
 * recently used evicted first. Loads are shared: concurrent requests for one key wait for one load.
 */
export class BudgetCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; bytes: number }>();
  private used = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly dispose: (value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.used;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The cached value, or `load()`'s, admitted with `bytes` (checked against the budget first). */
  async getOrLoad(key: string, bytes: number, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    if (bytes > this.budgetBytes) throw new RangeError(`needs ${bytes} bytes, budget ${this.budgetBytes}`);
    this.evictUntilFree(bytes);
    const value = load();
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    value.catch(() => this.delete(key));
    return value;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
    entry.value.then(this.dispose, () => {});
  }

  private evictUntilFree(bytes: number): void {
    for (const key of this.entries.keys()) {
      if (this.used + bytes <= this.budgetBytes) return;
      this.delete(key);
    }
  }
}
