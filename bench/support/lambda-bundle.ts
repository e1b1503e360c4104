import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { repoRoot } from "./fork-ts";
import { median } from "./stats";

/**
 * What SST puts in a Node.js Lambda by default: one ESM file bundled by esbuild for node, minified, every
 * dependency (the AWS SDK too) inside, tree-shaken, with the createRequire banner SST adds so bundled
 * CommonJS code can still `require` Node built-ins.
 */
export const LAMBDA_BUILD = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  treeShaking: true,
  mainFields: ["module", "main"] as string[],
  banner: { js: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);" },
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
export async function bundleHandler({ entry, source, outfile }: { entry?: string; source?: string; outfile: string }): Promise<BundleResult> {
  const result = await build({
    ...LAMBDA_BUILD,
    absWorkingDir: repoRoot,
    outfile,
    ...(source !== undefined ? { stdin: { contents: source, loader: "ts", resolveDir: repoRoot, sourcefile: "hello.ts" } } : { entryPoints: [entry!] }),
  });
  const bytes = readFileSync(outfile);
  return { file: outfile, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, metafile: result.metafile! };
}

/** The environment a deployed function sees (SST links as SST_RESOURCE_* JSON), with nothing reachable. */
const lambdaLikeEnv = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "us-east-1",
  AWS_LAMBDA_FUNCTION_NAME: "coldstart-bench",
  NODE_OPTIONS: "",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  SST_RESOURCE_App: JSON.stringify({ name: "realtime-rooms", stage: "bench" }),
  SST_RESOURCE_Table: JSON.stringify({ name: "rooms-bench" }),
  SST_RESOURCE_Realtime: JSON.stringify({ managementEndpoint: "https://example.execute-api.us-east-1.amazonaws.com/bench", url: "wss://example" }),
  SST_RESOURCE_Api: JSON.stringify({ url: "https://example" }),
};

/**
 * Imports the bundle in a fresh `node` process, `runs` times: `importMs` is the `import()` alone, `readyMs` the
 * time from process start (performance.timeOrigin) until the handler is there, what a cold start adds before
 * the first event. Also checks the module exports a `handler` function. Medians. Bundles live in a temp folder
 * and node runs from outside the repository, so nothing can resolve from node_modules: a bundle must be whole.
 */
export async function timeImport(file: string, runs = 5) {
  const script = `const t0 = performance.now();
const mod = await import(${JSON.stringify(pathToFileURL(file).href)});
const t1 = performance.now();
if (typeof mod.handler !== "function") throw new Error("no handler export");
console.log(JSON.stringify({ importMs: t1 - t0, readyMs: t1 }));`;
  const samples: { importMs: number; readyMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--input-type=module", "-e", script], { env: lambdaLikeEnv, cwd: join(repoRoot, "..") }, (error, stdout, stderr) =>
        error ? reject(new Error(`importing ${file} failed: ${stderr || error.message}`)) : resolve(stdout),
      ),
    );
    samples.push(JSON.parse(output.trim().split("\n").pop()!) as { importMs: number; readyMs: number });
  }
  return { importMs: median(samples.map((s) => s.importMs)), readyMs: median(samples.map((s) => s.readyMs)) };
}

/** The packages that weigh most in a bundle's output (bytes after minification, by node_modules package). */
export function heaviestPackages(metafile: Metafile, top = 5): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
      const name = match?.[1] ?? (input.startsWith("packages/") ? input.split("/").slice(0, 2).join("/") : "other");
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  const total = [...byPackage.values()].reduce((a, b) => a + b, 0);
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => `${name} ${Math.round((bytes / total) * 100)}%`)
    .join(", ");
}
