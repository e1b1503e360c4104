export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value, and returns that value; a check that throws counts as not yet.
 * After `timeoutMs` it throws, saying `describe()` (what was seen instead) or the check's last error.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  {
    timeoutMs = 5_000,
    intervalMs = 25,
    describe,
  }: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = describe?.() ?? (last ? String(last) : "");
      throw new Error(`condition not met within ${timeoutMs} ms${seen ? `: ${seen}` : ""}`);
    }
    await sleep(intervalMs);
  }
}
