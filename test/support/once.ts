/**
 * Runs `run` on the first call only; every call gets that one run's promise. For a scenario several tests
 * check: each test awaits it, so any of them passes when run alone (`vitest -t`), and the full file runs it once.
 */
export function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    if (result === undefined) result = run();
    return result;
  };
}
