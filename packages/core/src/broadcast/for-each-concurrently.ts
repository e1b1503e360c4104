/**
 * Runs `task` for every item of `source` with at most `limit` tasks in flight: a pool of `limit` workers
 * pulling from one shared iterator, so an async source (pages still loading) feeds workers as items arrive.
 * The first error (from the source or a task) stops the pulling; it is rethrown once every worker has settled,
 * so nothing is left running behind the caller's back.
 */
export async function forEachConcurrently<T>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let failure: { error: unknown } | undefined;

  const worker = async () => {
    while (!failure) {
      let next: IteratorResult<T>;
      try {
        // Concurrent next() calls on an async generator are queued by the language, never interleaved.
        next = await iterator.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done) return;
      try {
        await task(next.value);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };

  await Promise.all(Array.from({ length: limit }, worker));
  if (failure) {
    await Promise.resolve(iterator.return?.()).catch(() => {});
    throw failure.error;
  }
}

/**
 * Flattens pages into items, asking for page k+1 as soon as page k is handed out, so the next Query runs
 * while the current page is being sent instead of after it.
 */
export async function* itemsWithPrefetch<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  const iterator = pages[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    while (true) {
      const page = await next;
      if (page.done) return;
      next = iterator.next();
      // A failure of the prefetched page surfaces when it is awaited above, not as an unhandled rejection.
      next.catch(() => {});
      yield* page.value;
    }
  } finally {
    await Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
