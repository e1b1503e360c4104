/**
 * `pnpm bench`: runs every suite in bench/suites (or those named on the command line), prints each
 * table, and writes all of them to bench/results/latest.json. Never part of `pnpm test`.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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

const out = join(here, "results", "latest.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
console.log(`\nwrote ${out}`);
