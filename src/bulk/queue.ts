/**
 * A small work queue: `concurrency` workers take the next item until none is left or `stop` is
 * aborted. `work` must not throw (a tenant's failure is its result, not the queue's).
 */
export async function runQueue<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>, stop?: AbortSignal): Promise<{ notStarted: T[] }> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop?.aborted) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { notStarted: items.slice(next) };
}
