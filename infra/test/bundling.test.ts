import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BENCH_AUTH, bundleHandler, sampleColdStart } from "../../bench/support/lambda-bundle";
import { createIdentity } from "../../packages/core/src/identity";
import { LAMBDA_BUNDLING } from "../function-args";
import { recordAuthorizer, recordWiring, repoRoot } from "./support";

describe("Lambda bundling", () => {
  it("is the same for every route's function and the authorizer's: ESM, minified, names not kept", () => {
    const functions = [
      ...recordWiring("http").calls.map((c) => c.handler),
      ...recordWiring("websocket").calls.map((c) => c.handler),
      ...recordAuthorizer().calls.map((c) => c.function),
    ];
    expect(functions.length).toBeGreaterThan(20);
    for (const fn of functions) {
      expect(fn.nodejs, fn.handler).toEqual({ format: "esm", minify: true, esbuild: { keepNames: false } });
      expect(fn.nodejs).toEqual(LAMBDA_BUNDLING);
    }
  });

  const out = mkdtempSync(join(tmpdir(), "rooms-bundling-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("gives a handler that loads on its own, outside the repository, and answers its first request", async () => {
    // Bundled as deployed (the bench's LAMBDA_BUILD is built from LAMBDA_BUNDLING), run in a fresh node process
    // with a Lambda-like environment: a route that needs no table answers; one that does fails cleanly on its read.
    const bundle = await bundleHandler({
      entry: join(repoRoot, "packages/functions/src/http/list-rooms.ts"),
      outfile: join(out, "list-rooms.mjs"),
    });
    const { token } = await createIdentity(BENCH_AUTH).issue({
      userId: "01JBENCH00000000000000000A",
      name: "Bundle",
    });
    const event = (authorization?: string) => ({
      version: "2.0",
      routeKey: "GET /rooms",
      rawPath: "/rooms",
      rawQueryString: "",
      headers: authorization ? { authorization } : {},
      requestContext: { routeKey: "GET /rooms", requestId: "r1", http: { method: "GET", path: "/rooms" } },
    });
    expect((await sampleColdStart(bundle.file, event())).outcome).toBe("401");
    // Past authentication the table is a closed port: the read fails as a 500, not a crash of the bundle.
    expect((await sampleColdStart(bundle.file, event(`Bearer ${token}`))).outcome).toBe("500");
  }, 60_000);
});
