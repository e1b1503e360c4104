import { afterEach, describe, expect, it } from "vitest";
import { defaultLimits } from "../../packages/core/src/limits/limits";
import {
  CONCURRENCY_ENV,
  DEFAULT_RESERVED_CONCURRENCY,
  LIMITS_ENV,
  reservedConcurrency,
  stageLimits,
} from "../limits-config";
import { deployedFunctions, type Synthesized, synthesize } from "./synthesize";

/** The family each deployed function must be reserved for (by its handler module). */
function familyOfHandler(handler: string) {
  if (handler.includes("/http/")) return "http";
  if (/\/ws\/(authorize|connect|disconnect)\./.test(handler)) return "connect";
  if (handler.includes("/ws/")) return "frames";
  return "workers";
}

/** Synthesizes the stack as `sst deploy` would with these deploy-time variables set. */
async function synthesizeWith(env: Record<string, string>): Promise<Synthesized> {
  Object.assign(process.env, env);
  try {
    return await synthesize();
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
  }
}

afterEach(() => {
  delete process.env[LIMITS_ENV];
  delete process.env[CONCURRENCY_ENV];
});

describe("reserved concurrency per function family", () => {
  it("gives every function its family's reservation, within the account's default quota", async () => {
    const functions = deployedFunctions(await synthesize());
    expect(new Set(functions.map(({ handler }) => familyOfHandler(handler.handler)))).toEqual(
      new Set(["http", "connect", "frames", "workers"]),
    );
    for (const { name, handler } of functions) {
      const family = familyOfHandler(handler.handler);
      expect(handler.concurrency, name).toEqual({ reserved: DEFAULT_RESERVED_CONCURRENCY[family] });
    }
    const total = functions.reduce((sum, { handler }) => sum + (handler.concurrency?.reserved ?? 0), 0);
    // AWS keeps at least 100 of the default 1,000 per region unreserved.
    expect(total).toBeLessThanOrEqual(900);
  });

  it("is a per-stage setting: ROOMS_RESERVED_CONCURRENCY changes a family, `off` reserves nothing", async () => {
    const raised = deployedFunctions(await synthesizeWith({ [CONCURRENCY_ENV]: '{"frames":60}' }));
    for (const { handler } of raised) {
      const family = familyOfHandler(handler.handler);
      expect(handler.concurrency?.reserved).toBe(
        family === "frames" ? 60 : DEFAULT_RESERVED_CONCURRENCY[family],
      );
    }
    const off = deployedFunctions(await synthesizeWith({ [CONCURRENCY_ENV]: "off" }));
    for (const { handler } of off) expect(handler.concurrency).toBeUndefined();
  });

  it("refuses a setting it cannot apply, failing the deploy", () => {
    expect(() => reservedConcurrency({ [CONCURRENCY_ENV]: '{"frame":10}' })).toThrow(
      /unknown family "frame"/,
    );
    expect(() => reservedConcurrency({ [CONCURRENCY_ENV]: '{"http":0}' })).toThrow(/positive integer/);
    expect(() => reservedConcurrency({ [CONCURRENCY_ENV]: "lots" })).toThrow(/not JSON/);
  });
});

describe("the Limits link", () => {
  it("carries every limit, the stage's overrides applied, to every route's function", async () => {
    const stack = await synthesizeWith({ [LIMITS_ENV]: '{"membersPerRoom":10000}' });
    const linkable = stack.resources.find((r) => r.name === "Limits");
    expect(linkable?.component).toBe("sst.Linkable");
    expect(linkable?.args.properties).toEqual({ ...defaultLimits, membersPerRoom: 10_000 });
    const routes = Object.values(stack.routes).flat();
    expect(routes.length).toBeGreaterThan(0);
    for (const { routeKey, handler } of routes)
      expect(
        handler.link.map((link) => link.name),
        routeKey,
      ).toContain("Limits");
  });

  it("refuses an unknown or invalid limit, failing the deploy", () => {
    expect(stageLimits({})).toEqual(defaultLimits);
    expect(() => stageLimits({ [LIMITS_ENV]: '{"membersPerroom":1}' })).toThrow(
      /Unknown limit "membersPerroom"/,
    );
    expect(() => stageLimits({ [LIMITS_ENV]: '{"framesPerSecond":-1}' })).toThrow(/positive integer/);
  });
});
