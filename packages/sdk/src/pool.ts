/**
 * Runs `work` on every item, at most `limit` at a time, in order of the list. A failure rejects
 * the whole call at once, as Promise.all does; callers that want the rest to go on catch inside
 * `work` (multipart parts do).
 */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}
