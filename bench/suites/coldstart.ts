/**
 * Cold-start weight of every handler in the route and worker manifests, bundled as Lambda gets it (LAMBDA_BUILD in
 * bench/support/lambda-bundle.ts, from infra's bundling options): bytes raw and gzipped; the time to import it in a
 * fresh `node` process (wall and CPU), against a bare "hello" handler bundled the same way in the same run; and the first invocation after
 * the import, which loads whatever the handler defers (ElectroDB, the AWS SDK) with nothing reachable behind it.
 * Then what the largest handler bundles, package by package, and the web app's production build, gzipped.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Metafile } from "esbuild";
import { createIdentity } from "../../packages/core/src/identity";
import { httpRoutes, webSocketAuthorizer, webSocketRoutes } from "../../packages/functions/src/routes";
import { streamWorkers } from "../../packages/functions/src/workers";
import { repoRoot } from "../support/fork-ts";
import {
  BENCH_AUTH,
  type BundleResult,
  bundleHandler,
  type ColdStart,
  heaviestPackages,
  LAMBDA_BUILD,
  loadedAtImport,
  medianColdStart,
  packageBytes,
  sampleColdStart,
} from "../support/lambda-bundle";
import { QUICK } from "../support/quick";
import { ms, ratio } from "../support/stats";
import type { BenchTable } from "../table";

/** Rounds of cold starts per handler (2 with BENCH_QUICK=1, to check that the suite runs). */
const IMPORT_RUNS = QUICK ? 2 : 7;
/** The issue's budget per handler (docs/benchmarks.md): gzip size, and import time on the development machine. */
const BUDGET = { gzipKb: 150, importMs: 60 };
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const HELLO = `export const handler = async () => ({ statusCode: 200, body: "hello" });\n`;

export async function run(): Promise<BenchTable[]> {
  const out = mkdtempSync(join(tmpdir(), "rooms-coldstart-"));
  try {
    const { table, largest } = await handlerTable(out);
    return [table, packageTable(largest), await webTable()];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface Entry {
  routeKey: string;
  module: string;
  event?: unknown;
  bundle?: BundleResult;
  error?: string;
  samples: ColdStart[];
  importError?: string;
}

async function handlerTable(out: string): Promise<{ table: BenchTable; largest: LargestBundle }> {
  const bearer = (await createIdentity(BENCH_AUTH).issue({ userId: ID, name: "Bench" })).token;
  const hello: Entry = { routeKey: "(hello baseline)", module: "-", event: {}, samples: [] };
  hello.bundle = await bundleHandler({ source: HELLO, outfile: join(out, "hello.mjs") });

  // The $connect authorizer is a Lambda of its own, cold-started on a connect like the routes.
  const routes = [
    ...httpRoutes,
    ...webSocketRoutes,
    { routeKey: `$connect authorizer (${webSocketAuthorizer.name})`, module: webSocketAuthorizer.module },
    // Stream subscribers cold-start on a batch of records the same way.
    ...streamWorkers.map(({ name, module }) => ({ routeKey: `stream worker (${name})`, module })),
  ];
  const entries: Entry[] = [];
  for (const { routeKey, module } of routes) {
    const entry: Entry = { routeKey, module, event: firstEvent(routeKey, bearer), samples: [] };
    try {
      entry.bundle = await bundleHandler({
        entry: join(repoRoot, "packages/functions/src", `${module}.ts`),
        outfile: join(out, `${module.replace("/", "-")}.mjs`),
      });
    } catch (error) {
      entry.error = (error as Error).message.split("\n").slice(0, 6).join(" | ");
    }
    entries.push(entry);
  }

  // Round-robin (hello, every handler, again), so that other load on the machine falls on all of them alike.
  for (let run = 0; run < IMPORT_RUNS; run++) {
    for (const entry of [hello, ...entries]) {
      if (!entry.bundle || entry.importError) continue;
      try {
        entry.samples.push(await sampleColdStart(entry.bundle.file, entry.event));
      } catch (error) {
        if (entry === hello) throw error;
        entry.importError = (error as Error).message.slice(0, 400);
      }
    }
  }

  const base = medianColdStart(hello.samples);
  const ok = entries.filter((e): e is Entry & { bundle: BundleResult } => e.bundle !== undefined);
  const smallest = Math.min(...ok.map((e) => e.bundle.gzipBytes));
  const rows: (string | number)[][] = [
    [
      "(hello baseline)",
      "-",
      kb(hello.bundle.rawBytes),
      kb(hello.bundle.gzipBytes),
      "-",
      ms(base.importMs),
      "1.00x",
      ms(base.importCpuMs),
      "1.00x",
      ms(base.readyMs),
      ms(base.firstInvokeMs),
      base.outcome,
    ],
  ];
  const failures: string[] = [];
  const overBudget: string[] = [];
  for (const { routeKey, module, bundle, error, samples, importError } of entries) {
    if (!bundle) {
      rows.push([routeKey, module, "BUILD FAILED", "-", "-", "-", "-", "-", "-", "-", "-", "-"]);
      failures.push(`${module}: ${error}`);
      continue;
    }
    if (importError) {
      rows.push([
        routeKey,
        module,
        kb(bundle.rawBytes),
        kb(bundle.gzipBytes),
        ratio(bundle.gzipBytes, smallest),
        "IMPORT FAILED",
        "-",
        "-",
        "-",
        "-",
        "-",
        "-",
      ]);
      failures.push(`${module}: ${importError}`);
      continue;
    }
    const t = medianColdStart(samples);
    rows.push([
      routeKey,
      module,
      kb(bundle.rawBytes),
      kb(bundle.gzipBytes),
      ratio(bundle.gzipBytes, smallest),
      ms(t.importMs),
      ratio(t.importMs, base.importMs),
      ms(t.importCpuMs),
      ratio(t.importCpuMs, base.importCpuMs),
      ms(t.readyMs),
      ms(t.firstInvokeMs),
      t.outcome,
    ]);
    if (bundle.gzipBytes / 1024 > BUDGET.gzipKb || t.importMs > BUDGET.importMs) overBudget.push(module);
  }

  const largest = ok.reduce((a, b) => (b.bundle.gzipBytes > a.bundle.gzipBytes ? b : a), ok[0]!);
  const smallestBuilt = ok.reduce((a, b) => (b.bundle.gzipBytes < a.bundle.gzipBytes ? b : a), ok[0]!);
  const has = (e: (typeof ok)[number], name: string) =>
    Object.keys(e.bundle.metafile.inputs).some((input) => input.includes(name));
  const managementApiIn = ok.filter((e) => has(e, "client-apigatewaymanagementapi")).map((e) => e.module);
  const httpWithManagementApi = managementApiIn.filter((m) => m.startsWith("http/"));
  const joseIn = ok.filter((e) => has(e, "/jose/")).map((e) => e.module);
  const loading = ok.map((e) => ({
    module: e.module,
    ...loadedAtImport(e.bundle.metafile, `packages/functions/src/${e.module}.ts`),
  }));
  const electroDbAtImport = loading.filter((l) => l.eager.has("electrodb")).map((l) => l.module);
  const electroDbDeferred = loading.filter((l) => l.deferred.has("electrodb")).map((l) => l.module);
  const sdkAtImport = loading
    .filter((l) => [...l.eager.keys()].some((p) => p.startsWith("@aws-sdk/")))
    .map((l) => l.module);
  const eagerOfLargest = loading.find((l) => l.module === largest?.module);
  const eagerKb = eagerOfLargest ? [...eagerOfLargest.eager.values()].reduce((a, b) => a + b, 0) / 1024 : 0;
  const deferredKb = eagerOfLargest
    ? [...eagerOfLargest.deferred.values()].reduce((a, b) => a + b, 0) / 1024
    : 0;

  const credentialChainKb =
    ok.map((e) => chainBytes(e.bundle.metafile)).reduce((a, b) => Math.max(a, b), 0) / 1024;
  const build = `esbuild 0.28, ${LAMBDA_BUILD.format}, target ${LAMBDA_BUILD.target}, ${LAMBDA_BUILD.minify ? "minified" : "not minified"}, names ${LAMBDA_BUILD.keepNames ? "kept" : "not kept"}`;
  const table: BenchTable = {
    title: `handler bundles as Lambda gets them (${build}, AWS SDK included), import and first invocation in a fresh node ${process.version}`,
    columns: [
      "route",
      "module",
      "raw KB",
      "gzip KB",
      "gzip vs smallest",
      `import ms (median of ${IMPORT_RUNS})`,
      "import vs hello",
      "import CPU ms",
      "CPU vs hello",
      "process start to handler ms",
      "first invocation ms",
      "first invocation gave",
    ],
    rows,
    notes: [
      `SST 4.17's esbuild call (bundle, platform node, mainFields module,main, its createRequire banner) with infra's LAMBDA_BUNDLING (infra/function-args.ts): ${build}; gzip at level 9. The hello baseline is \`export const handler = async () => ({statusCode: 200, body: "hello"})\` bundled the same way.`,
      `import ms: \`await import(bundle)\` alone, in a new node process with a Lambda-like environment (AWS_REGION, env credentials, SST_RESOURCE_* set, nothing reachable), from a temp folder outside the repository so nothing resolves from node_modules; hello and every handler in turn, ${IMPORT_RUNS} rounds, medians. import CPU ms: user + system CPU of that import (steadier than wall time when the machine is busy). process start to handler: from the process's time origin to the import resolving (node's own boot included).`,
      "first invocation: the same process then calls the handler once with a valid event for its route (a bearer signed with the bench stage's secret, valid ids and bodies) whose DynamoDB and @connections endpoints are a closed local port: everything the route defers to first use is loaded and its clients built, and the first call fails at once (500 on HTTP routes, an error frame attempt and 200 on WebSocket routes, a throw from the authorizer; a stream worker gets an empty batch). On AWS that call would then wait for DynamoDB.",
      `Over the budget (${BUDGET.gzipKb} KB gzip or ${BUDGET.importMs} ms import): ${overBudget.length} of ${ok.length} handlers${overBudget.length ? ` (${overBudget.join(", ")})` : ""}.`,
      `Heaviest packages (share of output bytes) in the largest bundle, ${largest?.module}: ${largest ? heaviestPackages(largest.bundle.metafile) : "-"}; in the smallest, ${smallestBuilt?.module}: ${smallestBuilt ? heaviestPackages(smallestBuilt.bundle.metafile) : "-"}.`,
      `Evaluated at import vs on first use: ElectroDB at import in ${electroDbAtImport.length} handlers, deferred in ${electroDbDeferred.length}, absent from ${ok.length - electroDbAtImport.length - electroDbDeferred.length}; the AWS SDK at import in ${sdkAtImport.length}. In ${largest?.module}, ${eagerKb.toFixed(0)} KB of output runs at import and ${deferredKb.toFixed(0)} KB waits for first use (still parsed at import: it is in the same file).`,
      `The AWS SDK's default credential chain (credential-provider-*, the STS/SSO/sign-in clients of @aws-sdk/nested-clients, token-providers, IMDS) is up to ${credentialChainKb.toFixed(0)} KB of output per handler: every SDK client's runtime config imports it, while a Lambda, whose credentials are env variables, only runs its first link (fromEnv). SST passes no esbuild alias or working plugin to swap it out.`,
      `@aws-sdk/client-apigatewaymanagementapi is bundled into ${managementApiIn.length} of ${ok.length} handlers (HTTP: ${httpWithManagementApi.length ? httpWithManagementApi.join(", ") : "none"}); jose into ${joseIn.length} (${joseIn.filter((m) => !m.startsWith("http/")).length} of them not HTTP handlers).`,
      failures.length
        ? `FAILURES: ${failures.join("; ")}`
        : `All ${routes.length} handlers of the manifests (the routes, the $connect authorizer and the stream workers) bundled, imported and invoked (sst's Resource included).`,
      `Measured on this machine's node ${process.version}, not Lambda's node 22: absolute times differ there, ratios carry over better.`,
    ],
  };
  return { table, largest: { module: largest!.module, metafile: largest!.bundle.metafile } };
}

interface LargestBundle {
  module: string;
  metafile: Metafile;
}

/** Output bytes of the default credential chain's packages in one bundle. */
const chainBytes = (metafile: Metafile) =>
  [...packageBytes(metafile)]
    .filter(([name]) => /credential-provider|nested-clients|token-providers/.test(name))
    .reduce((sum, [, bytes]) => sum + bytes, 0);

/** The largest handler's bundle by package: minified output bytes, share, and when it runs. */
function packageTable({ module, metafile }: LargestBundle): BenchTable {
  const { eager, deferred } = loadedAtImport(metafile, `packages/functions/src/${module}.ts`);
  const byPackage = packageBytes(metafile);
  const total = [...byPackage.values()].reduce((a, b) => a + b, 0);
  const rows = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .filter(([, bytes]) => bytes >= 2048)
    .map(([name, bytes]) => [
      name,
      kb(bytes),
      `${((bytes / total) * 100).toFixed(1)}%`,
      eager.has(name) ? (deferred.has(name) ? "import + first use" : "import") : "first use",
    ]);
  return {
    title: `what the largest handler bundle (${module}) holds, by package`,
    columns: ["package", "output KB (minified, before gzip)", "share", "evaluated at"],
    rows,
    notes: [
      `Packages of 2 KB or more; ${kb(total)} KB in all. "first use": reached only through import() (ElectroDB, the SDK clients), evaluated on the first call, yet parsed with the rest of the file at import.`,
    ],
  };
}

/** A valid id (any ULID) for path parameters, tickets' rooms and the bench user. */
const ID = "01JBENCH0000000000000000AB".replace(/[^0-9A-HJKMNP-TV-Z]/g, "0");

/**
 * The event of a route's first invocation: valid enough to get past authentication and validation to the
 * route's first read or write (the table and @connections are unreachable, so that is where it stops).
 */
export function firstEvent(routeKey: string, bearer: string): unknown {
  const requestId = "bench-request";
  // An empty batch: the worker still opens the table and the @connections sender before it finds nothing to do.
  if (routeKey.startsWith("stream worker")) return { Records: [] };
  if (routeKey.startsWith("$connect authorizer")) {
    return {
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:us-east-1:123456789012/bench/$connect",
      queryStringParameters: { ticket: "A".repeat(43) },
      requestContext: {
        routeKey: "$connect",
        eventType: "CONNECT",
        connectionId: "bench-conn=",
        requestId,
        stage: "bench",
        domainName: "0.0.0.0:9",
      },
    };
  }
  const [method, path] = routeKey.split(" ");
  if (path) {
    const params: Record<string, string> = {
      roomId: ID,
      userId: `${ID.slice(0, -1)}C`,
      code: "A".repeat(22),
    };
    const pathParameters = Object.fromEntries(
      [...path.matchAll(/\{(\w+)\}/g)].map(([, key]) => [key!, params[key!]!]),
    );
    const bodies: Record<string, unknown> = {
      "POST /sessions": { name: "Bench" },
      "POST /rooms": { name: "bench room" },
    };
    const body = method === "POST" ? JSON.stringify(bodies[routeKey] ?? {}) : undefined;
    return {
      version: "2.0",
      routeKey,
      rawPath: path.replace(/\{(\w+)\}/g, (_, key: string) => params[key]!),
      rawQueryString: "",
      headers: {
        "content-type": "application/json",
        ...(routeKey !== "POST /sessions" && { authorization: `Bearer ${bearer}` }),
      },
      pathParameters,
      queryStringParameters: {},
      requestContext: {
        routeKey,
        requestId,
        http: { method, path },
        stage: "$default",
        domainName: "0.0.0.0",
      },
      ...(body !== undefined && { body, isBase64Encoded: false }),
    };
  }
  const frames: Record<string, unknown> = {
    $default: { action: "nope" },
    sendMessage: { action: "sendMessage", text: "hi", clientMessageId: "c1" },
    addTodo: { action: "addTodo", title: "t" },
    updateTodo: { action: "updateTodo", todoId: ID, version: 1, done: true },
    moveTodo: { action: "moveTodo", todoId: ID, version: 1, after: null },
    deleteTodo: { action: "deleteTodo", todoId: ID, version: 1 },
    editMessage: { action: "editMessage", messageId: ID, text: "hi" },
    deleteMessage: { action: "deleteMessage", messageId: ID },
    react: { action: "react", messageId: ID, emoji: "👍", on: true },
    sync: { action: "sync" },
    markRead: { action: "markRead", seq: 1 },
    typing: { action: "typing" },
    ping: { action: "ping" },
  };
  const eventType =
    routeKey === "$connect" ? "CONNECT" : routeKey === "$disconnect" ? "DISCONNECT" : "MESSAGE";
  return {
    requestContext: {
      routeKey,
      eventType,
      connectionId: "bench-conn=",
      requestId,
      apiId: "bench",
      stage: "bench",
      domainName: "0.0.0.0:9",
      ...(eventType === "CONNECT" && {
        authorizer: { principalId: ID, userId: ID, name: "Bench", roomId: ID },
      }),
    },
    isBase64Encoded: false,
    ...(eventType === "MESSAGE" && { body: JSON.stringify(frames[routeKey]) }),
  };
}

async function webTable(): Promise<BenchTable> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) =>
    execFile(
      "pnpm",
      ["--filter", "@rooms/web", "build"],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`web build failed: ${stderr || stdout || error.message}`)) : resolve(),
    ),
  );
  const buildMs = performance.now() - started;
  const assets = join(repoRoot, "packages/web/dist/assets");
  const files = readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f))
    .sort();
  const rows = files.map((file) => {
    const bytes = readFileSync(join(assets, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = rows.reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), {
    raw: 0,
    gzip: 0,
  });
  return {
    title: "web app production build (vite), what a first visit downloads",
    columns: ["file", "raw KB", "gzip KB"],
    rows: [
      ...rows.map((r) => [r.file, kb(r.raw), kb(r.gzip)]),
      ["total js + css", kb(total.raw), kb(total.gzip)],
    ],
    notes: [
      `\`pnpm --filter @rooms/web build\` took ${Math.round(buildMs / 1000)} s; gzip level 9 over packages/web/dist/assets/*.js|css (index.html not counted).`,
    ],
  };
}
