import { describe, expect, it } from "vitest";
import { forEachConcurrently, itemsWithPrefetch } from "../../src/broadcast/for-each-concurrently";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs tasks of varied length and records the most that were ever in flight at once. */
async function peakInFlight(source: AsyncIterable<number> | Iterable<number>, limit: number) {
  let inFlight = 0;
  let peak = 0;
  const seen: number[] = [];
  await forEachConcurrently(source, limit, async (n) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await tick(n % 3);
    seen.push(n);
    inFlight--;
  });
  return { peak, seen };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("forEachConcurrently", () => {
  it.each([1, 2, 7, 32])("never has more than %i tasks in flight, and reaches the limit", async (limit) => {
    const { peak, seen } = await peakInFlight(range(200), limit);
    expect(peak).toBe(limit);
    expect(seen.sort((a, b) => a - b)).toEqual(range(200));
  });

  it("handles fewer items than workers", async () => {
    const { peak, seen } = await peakInFlight(range(3), 50);
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([0, 1, 2]);
  });

  it("starts work on the first page while later pages are still loading", async () => {
    const events: string[] = [];
    async function* pages() {
      for (let p = 0; p < 3; p++) {
        events.push(`load ${p}`);
        await tick(20);
        events.push(`loaded ${p}`);
        yield [p * 10, p * 10 + 1];
      }
    }
    // As many workers as a page has items: without prefetch, page 1 would wait for a worker to finish.
    await forEachConcurrently(itemsWithPrefetch(pages()), 2, async (n) => {
      events.push(`send ${n}`);
      await tick(30);
      events.push(`done ${n}`);
    });
    expect(events.indexOf("load 1")).toBeLessThan(events.indexOf("done 0"));
    expect(events.indexOf("send 0")).toBeLessThan(events.indexOf("loaded 1"));
    expect(events.indexOf("load 2")).toBeLessThan(events.indexOf("done 10"));
    expect(events.filter((e) => e.startsWith("send"))).toHaveLength(6);
  });

  it("respects the limit over a paged async source", async () => {
    async function* pages() {
      for (let p = 0; p < 10; p++) {
        await tick(1);
        yield range(25).map((i) => p * 25 + i);
      }
    }
    const { peak, seen } = await peakInFlight(itemsWithPrefetch(pages()), 8);
    expect(peak).toBe(8);
    expect(seen).toHaveLength(250);
  });

  it("rethrows a source error only after the tasks already running have settled", async () => {
    let running = 0;
    async function* failing() {
      yield 1;
      yield 2;
      throw new Error("page failed");
    }
    await expect(
      forEachConcurrently(failing(), 4, async () => {
        running++;
        await tick(20);
        running--;
      }),
    ).rejects.toThrow("page failed");
    expect(running).toBe(0);
  });

  it("refuses a limit that is not a positive integer", async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(forEachConcurrently([1], limit, async () => {})).rejects.toBeInstanceOf(RangeError);
    }
  });
});
