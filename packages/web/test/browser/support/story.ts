/**
 * One step of a story told across several tests (A creates a room, B joins it, A removes B, ...). A step runs
 * once, after the step it follows, for whichever test asks first: a test run alone (`vitest run -t`) runs the
 * steps before it as its setup, the full run runs each step once and in order. A failed step fails every
 * later one, with its own error.
 */
export function step<T>(after: (() => Promise<unknown>) | null, run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= (async () => {
      if (after) await after();
      return run();
    })();
    return result;
  };
}

/** Time for a test that may run the steps before it first. */
export const STORY_MS = 400_000;
