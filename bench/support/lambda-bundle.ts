import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { FUNCTION_DEFAULTS } from "../../infra/function-args";
import { repoRoot } from "./fork-ts";
import { median } from "./stats";

/** The esbuild target SST 4.17 bundles each Lambda runtime for (its `targetMap`). */
const SST_TARGETS = { "nodejs22.x": "es2023" } as const;

const { runtime, nodejs } = FUNCTION_DEFAULTS;

/**
 * The esbuild options of a deployed handler: SST 4.17's own (pkg/runtime/node/build.go in sst/sst: bundle, platform
 * node, ESM, the runtime's target, mainFields module,main, every dependency inlined with the AWS SDK, its banner
 * that gives bundled CommonJS code `require`, `__filename` and `__dirname`) with what infra sets for every handler
 * (`FUNCTION_DEFAULTS.nodejs` in infra/function-args.ts) applied. One source: change the bundling there.
 */
export const LAMBDA_BUILD = {
  bundle: true,
  platform: "node",
  format: nodejs.format,
  target: SST_TARGETS[runtime],
  mainFields: ["module", "main"] as string[],
  keepNames: nodejs.esbuild.keepNames,
  minify: nodejs.minify,
  banner: {
    js: [
      "import { createRequire as topLevelCreateRequire } from 'module';",
      "const require = topLevelCreateRequire(import.meta.url);",
      'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
      "const __filename = topLevelFileUrlToPath(import.meta.url)",
      'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
    ].join("\n"),
  },
  metafile: true,
  logLevel: "silent",
} satisfies BuildOptions;

export interface BundleResult {
  file: string;
  rawBytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

/** Bundles one entry (a path, or source text for a throwaway handler) to `outfile`. Throws esbuild's errors. */
export async function bundleHandler({
  entry,
  source,
  outfile,
}: {
  entry?: string;
  source?: string;
  outfile: string;
}): Promise<BundleResult> {
  const result = await build({
    ...LAMBDA_BUILD,
    absWorkingDir: repoRoot,
    outfile,
    ...(source !== undefined
      ? { stdin: { contents: source, loader: "ts", resolveDir: repoRoot, sourcefile: "hello.ts" } }
      : { entryPoints: [entry!] }),
  });
  const bytes = readFileSync(outfile);
  return {
    file: outfile,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    metafile: result.metafile!,
  };
}

/** The stage's guest-token signing secret and issuer in the bench environment (coldstart.ts signs its bearer with them). */
export const BENCH_AUTH = {
  secret: "coldstart-bench-signing-secret-0123456789abcdef",
  issuer: "rooms-bench",
};

/**
 * The environment a deployed function sees (SST links as SST_RESOURCE_* JSON, credentials as env vars), with
 * nothing reachable: DynamoDB and @connections point at a closed local port (a non-loopback address, so the
 * handlers take the AWS code path: default credential chain, which finds the env credentials), so a call fails
 * at once, and AWS_MAX_ATTEMPTS=1 keeps the SDK from backing off before it gives up.
 */
const lambdaLikeEnv = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "us-east-1",
  AWS_LAMBDA_FUNCTION_NAME: "coldstart-bench",
  AWS_ACCESS_KEY_ID: "AKIDCOLDSTARTBENCH",
  AWS_SECRET_ACCESS_KEY: "coldstart-bench-secret",
  AWS_SESSION_TOKEN: "coldstart-bench-session",
  AWS_MAX_ATTEMPTS: "1",
  NODE_OPTIONS: "",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  DYNAMODB_ENDPOINT: "http://0.0.0.0:9",
  SST_RESOURCE_App: JSON.stringify({ name: "realtime-rooms", stage: "bench" }),
  SST_RESOURCE_Table: JSON.stringify({ name: "rooms-bench" }),
  SST_RESOURCE_Realtime: JSON.stringify({
    managementEndpoint: "http://0.0.0.0:9/bench",
    url: "ws://0.0.0.0:9/bench",
  }),
  SST_RESOURCE_Api: JSON.stringify({ url: "http://0.0.0.0:9" }),
  SST_RESOURCE_AuthSecret: JSON.stringify({ value: BENCH_AUTH.secret }),
  SST_RESOURCE_Identity: JSON.stringify({
    issuer: BENCH_AUTH.issuer,
    oidcIssuer: "",
    oidcAudience: "",
    oidcJwksUrl: "",
  }),
};

export interface ColdStart {
  /** `await import(bundle)` alone, wall clock. */
  importMs: number;
  /** CPU time (user + system, all threads) of that import: less sensitive than wall time to other load on the machine. */
  importCpuMs: number;
  /** From process start (performance.timeOrigin) until the handler is there. */
  readyMs: number;
  /** The first call of the handler with `event` (what was deferred past the import is loaded here); NaN without an event. */
  firstInvokeMs: number;
  /** What the first call returned (`statusCode`) or threw (error name), from the first run: a check that it got where it should. */
  outcome: string;
}

const SAMPLE_SCRIPT = `const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(process.env.BENCH_BUNDLE_URL);
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
if (typeof mod.handler !== "function") throw new Error("no handler export");
let firstInvokeMs = NaN, outcome = "-";
if (process.env.BENCH_EVENT) {
  const context = { functionName: "coldstart-bench", awsRequestId: "bench-1", getRemainingTimeInMillis: () => 30000 };
  try {
    const response = await mod.handler(JSON.parse(process.env.BENCH_EVENT), context);
    outcome = String(response?.statusCode ?? (response?.policyDocument ? "allow" : typeof response));
  } catch (error) {
    outcome = "threw " + (error?.name ?? "error");
  }
  firstInvokeMs = performance.now() - t1;
}
process.stdout.write("\\n" + JSON.stringify({ importMs: t1 - t0, importCpuMs: (c1.user + c1.system) / 1000, readyMs: t1, firstInvokeMs, outcome }) + "\\n");`;

/**
 * One cold start of `file` in a fresh `node` process: the import, then (with `event`) the first invocation.
 * Bundles live in a temp folder and node runs from outside the repository, so nothing can resolve from
 * node_modules: a bundle must be whole.
 */
export function sampleColdStart(file: string, event?: unknown): Promise<ColdStart> {
  const env = {
    ...lambdaLikeEnv,
    BENCH_BUNDLE_URL: pathToFileURL(file).href,
    ...(event !== undefined && { BENCH_EVENT: JSON.stringify(event) }),
  };
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", SAMPLE_SCRIPT],
      { env, cwd: join(repoRoot, ".."), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`importing ${file} failed: ${stderr || error.message}`))
          : resolve(JSON.parse(stdout.trim().split("\n").pop()!) as ColdStart),
    ),
  );
}

/** Medians of several cold starts (the outcome of the first). */
export function medianColdStart(samples: readonly ColdStart[]): ColdStart {
  const of = (key: "importMs" | "importCpuMs" | "readyMs" | "firstInvokeMs") => {
    // Without an event there is no first invocation (JSON turns its NaN into null).
    const values = samples.map((s) => s[key]).filter((v): v is number => Number.isFinite(v));
    return values.length ? median(values) : NaN;
  };
  return {
    importMs: of("importMs"),
    importCpuMs: of("importCpuMs"),
    readyMs: of("readyMs"),
    firstInvokeMs: of("firstInvokeMs"),
    outcome: samples[0]?.outcome ?? "-",
  };
}

/**
 * Imports the bundle in a fresh `node` process, `runs` times: `importMs` is the `import()` alone, `readyMs` the
 * time from process start (performance.timeOrigin) until the handler is there, what a cold start adds before
 * the first event. Also checks the module exports a `handler` function. Medians.
 */
export async function timeImport(file: string, runs = 5) {
  const samples: ColdStart[] = [];
  for (let i = 0; i < runs; i++) samples.push(await sampleColdStart(file));
  const { importMs, readyMs } = medianColdStart(samples);
  return { importMs, readyMs };
}

/**
 * Which packages a bundle evaluates when it is imported (reachable from the entry through static imports) and
 * which only on first use (reachable only through `import()`): bytes of output per package, largest first.
 */
export function loadedAtImport(
  metafile: Metafile,
  entry: string,
): { eager: Map<string, number>; deferred: Map<string, number> } {
  const { inputs } = metafile;
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length) {
    for (const { path, kind, external } of inputs[queue.shift()!]?.imports ?? []) {
      if (kind === "dynamic-import" || external || seen.has(path)) continue;
      seen.add(path);
      queue.push(path);
    }
  }
  const eager = new Map<string, number>();
  const deferred = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const into = seen.has(input) ? eager : deferred;
      into.set(packageOf(input), (into.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
  }
  return { eager, deferred };
}

function packageOf(input: string): string {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? (input.startsWith("packages/") ? input.split("/").slice(0, 2).join("/") : "other");
}

/** Output bytes (after minification) per node_modules package, or per folder of ours, in a bundle. */
export function packageBytes(metafile: Metafile): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
  }
  return byPackage;
}

/** The packages that weigh most in a bundle's output (bytes after minification, by node_modules package). */
export function heaviestPackages(metafile: Metafile, top = 5): string {
  const byPackage = packageBytes(metafile);
  const total = [...byPackage.values()].reduce((a, b) => a + b, 0);
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => `${name} ${Math.round((bytes / total) * 100)}%`)
    .join(", ");
}
