import { existsSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import {
  httpRoutes,
  type RouteEntry,
  sstHandler,
  webSocketAuthorizer,
  webSocketRoutes,
} from "../../packages/functions/src/routes";
import { FUNCTION_DEFAULTS, httpSizing, routeLinks, webSocketSizing, wireRoutes } from "../function-args";
import {
  AUTH_SECRET,
  AUTHORIZER_ID,
  FAN_OUT,
  IDENTITY,
  LIMITS,
  type Link,
  REALTIME,
  recordAuthorizer,
  recordWiring,
  repoRoot,
  TABLE,
  TABLE_ARN,
} from "./support";
import { synthesize } from "./synthesize";

const byKind = { http: httpRoutes, websocket: webSocketRoutes } as const;

/** Bundles the way SST does (esbuild, ESM, Node 22, everything inlined): imports must resolve too. */
const bundle = (entryPoints: string[]) =>
  build({
    entryPoints,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    metafile: true,
    outdir: "out",
    logLevel: "silent",
  });

/**
 * Export names of each bundled entry. All existing handlers are bundled in one esbuild run (shared parsing, a few
 * seconds instead of one per handler); if that run fails, each file is bundled alone so the error lands on its route.
 */
let batch: Promise<Map<string, string[]> | null> | undefined;
async function bundledExports(entry: string): Promise<string[]> {
  batch ??= (async () => {
    const entries = [...httpRoutes, ...webSocketRoutes, webSocketAuthorizer]
      .map((route) => join(repoRoot, `${sstHandler(route).replace(/\.[^.]+$/, "")}.ts`))
      .filter((path) => existsSync(path));
    try {
      const { metafile } = await bundle(entries);
      return new Map(
        Object.values(metafile.outputs)
          .filter((o) => o.entryPoint)
          .map((o) => [join(repoRoot, o.entryPoint!), o.exports]),
      );
    } catch {
      return null;
    }
  })();
  const exports = (await batch)?.get(entry);
  if (exports) return exports;
  const { metafile } = await bundle([entry]);
  return Object.values(metafile.outputs).find((o) => o.entryPoint)?.exports ?? [];
}

describe.each(["http", "websocket"] as const)("%s routes", (kind) => {
  const manifest: readonly RouteEntry[] = byKind[kind];

  it("are wired once each, exactly the manifest's, in its order", () => {
    const { calls, returned } = recordWiring(kind);
    expect(calls.map((c) => c.routeKey)).toEqual(manifest.map((r) => r.routeKey));
    expect(returned).toEqual(manifest.map((r) => r.routeKey));
    expect(new Set(returned).size).toBe(returned.length);
  });

  it("point at the manifest's handler, on Node 22 arm64 with a size, and link what they use", () => {
    const { calls } = recordWiring(kind);
    for (const [i, { routeKey, handler }] of calls.entries()) {
      const route = manifest[i]!;
      expect(routeKey).toBe(route.routeKey);
      expect(handler.handler).toBe(sstHandler(route));
      expect(handler.runtime).toBe("nodejs22.x");
      expect(handler.architecture).toBe("arm64");
      expect(handler.logging).toEqual(FUNCTION_DEFAULTS.logging);
      expect(handler.memory).toMatch(/^\d+ MB$/);
      expect(handler.timeout).toMatch(/^\d+ seconds?$/);
      const expected = [
        TABLE,
        ...(route.broadcasts ? [REALTIME] : []),
        ...(kind === "http" ? [AUTH_SECRET, IDENTITY] : []),
        LIMITS,
        // A large room's pages go to the fan-out queue (infra/fan-out.ts; routes marked fansOut), and a removal's delayed sweep.
        ...((kind === "websocket" && "fansOut" in route && route.fansOut) ||
        ("schedulesJobs" in route && route.schedulesJobs)
          ? [FAN_OUT]
          : []),
      ];
      expect(handler.link, routeKey).toEqual(expected);
    }
  });

  it(
    kind === "http"
      ? "have no API Gateway authorizer"
      : "guard $connect, and only $connect, with the ticket authorizer",
    () => {
      const { calls } = recordWiring(kind);
      for (const { routeKey, options } of calls) {
        expect(options, routeKey).toEqual(
          kind === "websocket" && routeKey === "$connect" ? { auth: { lambda: AUTHORIZER_ID } } : undefined,
        );
      }
    },
  );

  it("each have a memory/timeout entry, and no entry is left over", () => {
    const sizing = kind === "http" ? httpSizing : webSocketSizing;
    expect(Object.keys(sizing).sort()).toEqual(manifest.map((r) => r.routeKey).sort());
    for (const { timeout } of Object.values(sizing)) {
      // API Gateway gives an integration at most 29 s (WebSocket) / 30 s (HTTP).
      expect(Number.parseInt(timeout, 10)).toBeLessThan(29);
    }
  });

  it.each(manifest.map((r) => [r.routeKey, r] as const))(
    "%s resolves to a file under packages/functions/src that bundles and exports `handler`",
    async (_key, route) => {
      const [file, exportName] = sstHandler(route).split(/\.(?=[^.]+$)/) as [string, string];
      expect(exportName).toBe("handler");
      const entry = join(repoRoot, `${file}.ts`);
      expect(existsSync(entry), `${file}.ts is missing`).toBe(true);
      expect(await bundledExports(entry)).toContain("handler");
    },
    60_000, // the first one waits for the batch bundle (inline projects do not inherit the root testTimeout)
  );
});

describe("the $connect authorizer", () => {
  const { calls, id } = recordAuthorizer();

  it("is the manifest's webSocketAuthorizer: its name, handler and identity sources, added once", () => {
    expect(calls).toHaveLength(1);
    expect(id).toBe(AUTHORIZER_ID);
    const [{ name, function: fn, identitySources }] = calls as [(typeof calls)[number]];
    expect(name).toBe(webSocketAuthorizer.name);
    expect(identitySources).toEqual(["route.request.querystring.ticket"]);
    expect(identitySources).toEqual([...webSocketAuthorizer.identitySources]);
    expect(fn.handler).toBe("packages/functions/src/ws/authorize.handler");
  });

  it("runs on the handlers' runtime, small, linked to the table only", () => {
    const [{ function: fn }] = calls as [(typeof calls)[number]];
    expect(fn).toMatchObject({
      runtime: "nodejs22.x",
      architecture: "arm64",
      memory: "256 MB",
      timeout: "10 seconds",
    });
    expect(fn.logging).toEqual(FUNCTION_DEFAULTS.logging);
    expect(fn.link).toEqual([TABLE]);
    expect(fn.permissions).toEqual([{ actions: ["dynamodb:DeleteItem"], resources: [TABLE_ARN] }]);
  });

  it(`${webSocketAuthorizer.module} resolves to a file that bundles and exports \`handler\``, async () => {
    const entry = join(repoRoot, `${sstHandler(webSocketAuthorizer).replace(/\.handler$/, "")}.ts`);
    expect(existsSync(entry), `${entry} is missing`).toBe(true);
    expect(await bundledExports(entry)).toContain("handler");
  }, 60_000);
});

describe("links and wiring refuse a misconfiguration", () => {
  const route = httpRoutes[0];
  it("AuthSecret and Identity go to HTTP routes, which cannot be wired without them, and never to WebSocket ones", () => {
    expect(() => routeLinks<Link>(route, "http", { table: TABLE })).toThrow(
      /must be given AuthSecret and Identity/,
    );
    expect(() =>
      routeLinks<Link>(webSocketRoutes[0], "websocket", {
        table: TABLE,
        realtime: REALTIME,
        auth: { secret: AUTH_SECRET, identity: IDENTITY },
      }),
    ).toThrow(/must not be given AuthSecret and Identity/);
  });

  it("a connect authorizer is only accepted by the WebSocket API", () => {
    expect(() =>
      wireRoutes<Link, string, string, string>({ route: () => undefined }, "http", {
        links: { table: TABLE, realtime: REALTIME, auth: { secret: AUTH_SECRET, identity: IDENTITY } },
        arns: { tableArn: TABLE_ARN, indexNames: [] },
        joinArn: (parts) => parts.join(""),
        connectAuthorizer: AUTHORIZER_ID,
      }),
    ).toThrow(/needs a \$connect route/);
  });
});

describe("the synthesized stack", () => {
  const stack = synthesize();
  const linkNames = (handler: { link: { name?: string; link?: string }[] }) =>
    handler.link.map((l) => l.name ?? l.link);

  it.each([
    ["Realtime", "websocket"],
    ["Api", "http"],
  ] as const)(
    "adds to %s exactly the manifest's %s routes, as wireRoutes computes them",
    async (api, kind) => {
      const added = (await stack).routes[api]!;
      const computed = recordWiring(kind).calls;
      expect(added.map((r) => r.routeKey)).toEqual(byKind[kind].map((r) => r.routeKey));
      for (const [i, { routeKey, handler, options }] of added.entries()) {
        const { handler: expected, options: expectedOptions } = computed[i]!;
        expect({ ...handler, link: linkNames(handler) }, routeKey).toEqual({
          ...expected,
          link: linkNames(expected),
        });
        expect(options, routeKey).toEqual(expectedOptions);
      }
    },
  );

  it("adds the $connect authorizer to the WebSocket API only, once", async () => {
    const { authorizers } = await stack;
    expect(authorizers.Api).toEqual([]);
    expect(authorizers.Realtime!.map((a) => a.name)).toEqual([webSocketAuthorizer.name]);
  });

  it("has every component created by an infra module; sst.config.ts only runs them and returns their outputs", async () => {
    const { resources, outputs } = await stack;
    for (const { name, site } of resources) expect(site, name).toMatch(/^infra\/[\w-]+\.ts$/);
    expect(Object.keys(outputs).sort()).toEqual(["api", "oidcIssuer", "realtime", "table", "web"]);
  });
});
