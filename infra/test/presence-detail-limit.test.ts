import { afterEach, describe, expect, it } from "vitest";
import { LIMITS_ENV } from "../limits-config";
import { synthesize } from "./synthesize";

afterEach(() => {
  delete process.env[LIMITS_ENV];
});

/**
 * The presence-detail limit is a stage setting like every other limit: `ROOMS_LIMITS` carries it in the `Limits`
 * link, and both workers that decide between per-member presence and digests (the stream's presence worker, the
 * fan-out queue's worker) are linked to it, as every WebSocket route (typing, markRead, sync) is.
 */
describe("presenceDetailLimit on a stage", () => {
  it("ROOMS_LIMITS sets it in the Limits link, which the presence and fan-out workers are linked to", async () => {
    process.env[LIMITS_ENV] = '{"presenceDetailLimit":250}';
    const stack = await synthesize();
    const linkable = stack.resources.find((r) => r.name === "Limits");
    expect(linkable?.args.properties).toMatchObject({ presenceDetailLimit: 250 });
    const workers = Object.values(stack.subscriptions).flat();
    expect(workers.map(({ name }) => name)).toEqual(expect.arrayContaining(["Presence"]));
    expect(workers.length).toBeGreaterThanOrEqual(2);
    for (const { name, handler } of workers)
      expect(
        handler.link.map((link) => link.name),
        name,
      ).toContain("Limits");
  });
});
