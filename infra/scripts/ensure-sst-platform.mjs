#!/usr/bin/env node
/**
 * Makes sure .sst/platform/config.d.ts (SST's globals: `sst`, `aws`, `$config`, `$app`, ...) exists for the
 * installed sst version, so `tsc -p tsconfig.infra.json` can check sst.config.ts and infra/ without AWS.
 * Runs `sst install` only when the file is missing or was written by another sst version. Works offline:
 * the dependency check (pulumi, bun downloads), bun and telemetry are turned off. Takes ~40-70 s, ~320 MB.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const platform = join(root, ".sst/platform");
// sst's exports map hides package.json from require.resolve; the root devDependency is at a known path.
const wanted = JSON.parse(readFileSync(join(root, "node_modules/sst/package.json"), "utf8")).version;
const installed = existsSync(join(platform, "version"))
  ? readFileSync(join(platform, "version"), "utf8").trim()
  : null;

if (existsSync(join(platform, "config.d.ts")) && installed === wanted) process.exit(0);

console.log(
  `sst platform ${installed ?? "missing"}, want ${wanted}: running \`sst install --stage ci\` (offline, ~1 min)`,
);
const started = Date.now();
const install = () =>
  spawnSync(join(root, "node_modules/.bin/sst"), ["install", "--stage", "ci"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      SST_SKIP_DEPENDENCY_CHECK: "1",
      SST_NO_BUN: "1",
      SST_TELEMETRY_DISABLED: "1",
      AWS_EC2_METADATA_DISABLED: "true",
    },
  });
let result = install();
if (result.status !== 0 || !existsSync(join(platform, "config.d.ts"))) {
  // A failed install (a registry request that failed midway) can leave an empty .sst/platform/package.json,
  // which every later `sst install` then fails to parse ("unexpected end of JSON input"): start over once.
  console.log("sst install failed; removing .sst/platform and trying once more");
  rmSync(platform, { recursive: true, force: true });
  result = install();
}
if (result.status !== 0 || !existsSync(join(platform, "config.d.ts"))) {
  console.error(
    `sst install failed (exit ${result.status ?? result.signal}); .sst/platform/config.d.ts not written`,
  );
  process.exit(1);
}
console.log(`sst platform ready in ${Math.round((Date.now() - started) / 1000)} s`);
