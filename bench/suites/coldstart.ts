/**
 * Cold-start weight of every handler in the route manifest, bundled as Lambda gets it (see LAMBDA_BUILD in
 * bench/support/lambda-bundle.ts): bytes raw and gzipped, and the time to import it in a fresh `node` process,
 * against a bare "hello" handler bundled the same way. Then the web app's production build, gzipped.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { httpRoutes, webSocketAuthorizer, webSocketRoutes } from "../../packages/functions/src/routes";
import { repoRoot } from "../support/fork-ts";
import { type BundleResult, bundleHandler, heaviestPackages, timeImport } from "../support/lambda-bundle";
import { ms, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const IMPORT_RUNS = 5;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const HELLO = `export const handler = async () => ({ statusCode: 200, body: "hello" });\n`;

export async function run(): Promise<BenchTable[]> {
  const out = mkdtempSync(join(tmpdir(), "rooms-coldstart-"));
  try {
    return [await handlerTable(out), await webTable()];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function handlerTable(out: string): Promise<BenchTable> {
  const hello = await bundleHandler({ source: HELLO, outfile: join(out, "hello.mjs") });
  const helloTimes = await timeImport(hello.file, IMPORT_RUNS);

  // The $connect authorizer is a Lambda of its own, cold-started on a connect like the routes.
  const routes = [...httpRoutes, ...webSocketRoutes, { routeKey: `$connect authorizer (${webSocketAuthorizer.name})`, module: webSocketAuthorizer.module }];
  const built: { routeKey: string; module: string; bundle?: BundleResult; error?: string }[] = [];
  for (const { routeKey, module } of routes) {
    try {
      const bundle = await bundleHandler({
        entry: join(repoRoot, "packages/functions/src", `${module}.ts`),
        outfile: join(out, `${module.replace("/", "-")}.mjs`),
      });
      built.push({ routeKey, module, bundle });
    } catch (error) {
      built.push({ routeKey, module, error: (error as Error).message.split("\n").slice(0, 6).join(" | ") });
    }
  }
  const ok = built.filter((b): b is typeof b & { bundle: BundleResult } => b.bundle !== undefined);
  const smallest = Math.min(...ok.map((b) => b.bundle.gzipBytes));

  const rows: (string | number)[][] = [["(hello baseline)", "-", kb(hello.rawBytes), kb(hello.gzipBytes), "-", ms(helloTimes.importMs), "1.00x", ms(helloTimes.readyMs)]];
  const failures: string[] = [];
  for (const { routeKey, module, bundle, error } of built) {
    if (!bundle) {
      rows.push([routeKey, module, "BUILD FAILED", "-", "-", "-", "-", "-"]);
      failures.push(`${module}: ${error}`);
      continue;
    }
    let times: { importMs: number; readyMs: number };
    try {
      times = await timeImport(bundle.file, IMPORT_RUNS);
    } catch (importError) {
      rows.push([routeKey, module, kb(bundle.rawBytes), kb(bundle.gzipBytes), ratio(bundle.gzipBytes, smallest), "IMPORT FAILED", "-", "-"]);
      failures.push(`${module}: ${(importError as Error).message.slice(0, 400)}`);
      continue;
    }
    rows.push([
      routeKey,
      module,
      kb(bundle.rawBytes),
      kb(bundle.gzipBytes),
      ratio(bundle.gzipBytes, smallest),
      ms(times.importMs),
      ratio(times.importMs, helloTimes.importMs),
      ms(times.readyMs),
    ]);
  }
  const largest = ok.reduce((a, b) => (b.bundle.gzipBytes > a.bundle.gzipBytes ? b : a), ok[0]!);
  const smallestBuilt = ok.reduce((a, b) => (b.bundle.gzipBytes < a.bundle.gzipBytes ? b : a), ok[0]!);
  const managementApiIn = ok
    .filter((b) => Object.keys(b.bundle.metafile.inputs).some((input) => input.includes("client-apigatewaymanagementapi")))
    .map((b) => b.module);

  return {
    title: `handler bundles as Lambda gets them (esbuild: node22, esm, minified, AWS SDK included), import time in a fresh node ${process.version}`,
    columns: ["route", "module", "raw KB", "gzip KB", "gzip vs smallest", `import ms (median of ${IMPORT_RUNS})`, "import vs hello", "process start to handler ms"],
    rows,
    notes: [
      "esbuild 0.28 with bundle, platform node, target node22, format esm, minify, tree shaking, mainFields module,main, and SST's createRequire banner; gzip at level 9. The hello baseline is `export const handler = async () => ({statusCode: 200, body: \"hello\"})` bundled the same way.",
      `import ms: \`await import(bundle)\` alone, in a new node process with a Lambda-like environment (AWS_REGION, SST_RESOURCE_* set, nothing reachable), from a temp folder outside the repository so nothing resolves from node_modules; nothing is invoked. process start to handler: from the process's time origin to the import resolving (node's own boot included).`,
      `Heaviest packages (share of output bytes) in the largest bundle, ${largest?.module}: ${largest ? heaviestPackages(largest.bundle.metafile) : "-"}; in the smallest, ${smallestBuilt?.module}: ${smallestBuilt ? heaviestPackages(smallestBuilt.bundle.metafile) : "-"}.`,
      `@aws-sdk/client-apigatewaymanagementapi is bundled into ${managementApiIn.length} of ${ok.length} handlers (${managementApiIn.filter((m) => m.startsWith("http/")).length} of them HTTP handlers, which never post to connections).`,
      failures.length
        ? `FAILURES: ${failures.join("; ")}`
        : `All ${routes.length} handlers of the manifest (its routes and the $connect authorizer) bundled and imported (sst's Resource included).`,
      `Measured on this machine's node ${process.version}, not Lambda's node 22: absolute times differ there, ratios carry over better.`,
    ],
  };
}

async function webTable(): Promise<BenchTable> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) =>
    execFile("pnpm", ["--filter", "@rooms/web", "build"], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`web build failed: ${stderr || stdout || error.message}`)) : resolve(),
    ),
  );
  const buildMs = performance.now() - started;
  const assets = join(repoRoot, "packages/web/dist/assets");
  const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f)).sort();
  const rows = files.map((file) => {
    const bytes = readFileSync(join(assets, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = rows.reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return {
    title: "web app production build (vite), what a first visit downloads",
    columns: ["file", "raw KB", "gzip KB"],
    rows: [...rows.map((r) => [r.file, kb(r.raw), kb(r.gzip)]), ["total js + css", kb(total.raw), kb(total.gzip)]],
    notes: [`\`pnpm --filter @rooms/web build\` took ${Math.round(buildMs / 1000)} s; gzip level 9 over packages/web/dist/assets/*.js|css (index.html not counted).`],
  };
}
