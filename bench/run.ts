/**
 * `pnpm bench`: runs every suite in bench/suites (or those named on the command line), prints each
 * table, and writes all of them to bench/results/latest.json. Never part of `pnpm test`.
 * `BENCH_QUICK=1`: small sizes, to see that every suite still runs (see support/quick.ts); written to quick.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { QUICK } from "./support/quick";
import type { BenchTable } from "./table";
import { printTable } from "./table";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const suites = readdirSync(join(here, "suites"))
  .filter((f) => f.endsWith(".ts"))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

const results: Record<string, BenchTable[]> = {};
for (const file of suites) {
  const suite: { run: () => Promise<BenchTable[]> } = await import(join(here, "suites", file));
  console.log(`\n## ${file}`);
  const tables = await suite.run();
  for (const table of tables) printTable(table);
  results[file.replace(/\.ts$/, "")] = tables;
}

const out = join(here, "results", QUICK ? "quick.json" : "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, quick: QUICK, results }, null, 2)}\n`,
);
console.log(`\nwrote ${out}`);
