/**
 * `BENCH_QUICK=1 pnpm bench <suite>`: the same suites at small sizes, to check that they run end to end (after a
 * change to the stack or the contract) in a minute or two instead of many. Its figures are not the documented
 * ones; bench/run.ts writes them to bench/results/quick.json, never over latest.json.
 */
export const QUICK = process.env.BENCH_QUICK === "1";

/** `full`, or `quick` in quick mode. */
export const sized = <T>(full: T, quick: T): T => (QUICK ? quick : full);
