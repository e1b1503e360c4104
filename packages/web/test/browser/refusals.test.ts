import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { createRoom, type Session } from "../../../../test/support/room-session";
import { type BrowserStack, startBrowserStack, status } from "./support/browser-stack";

let app: BrowserStack;

beforeAll(async () => {
  // A room holds one member here: its owner. Anyone else's ticket is refused (409 `limit_reached`).
  app = await startBrowserStack("web-refusals", { limits: { ...RAISED_LIMITS, membersPerRoom: 1 } });
});

afterAll(async () => {
  await app?.stop();
});

/** Counts the page's ticket requests (one per connect attempt). */
function countTickets(page: Page) {
  let count = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && /\/rooms\/[^/]+\/tickets$/.test(new URL(request.url()).pathname))
      count++;
  });
  return () => count;
}

describe("a refusal is a refusal (Chromium)", () => {
  it("a full room: the page stops trying, says why, and connects again only when asked", async () => {
    const owner = await app.signIn("Owner");
    const room = await createRoom(app.stack.httpUrl, owner as Session, { name: "Full house" });
    const { page } = await app.person({ name: "Latecomer" });
    const tickets = countTickets(page);
    await page.goto(`${app.web.url}#/rooms/${room.roomId}`);
    await page.getByRole("alert").getByText("This room is full").waitFor({ timeout: 60_000 });
    await status(page).getByText("Disconnected").waitFor();
    const asked = tickets();
    expect(asked).toBe(1);
    // No reconnect loop: nothing more is asked while the page sits there.
    await page.waitForTimeout(8_000);
    expect(tickets()).toBe(asked);
    // The person may ask again: one more round, which ends the same way.
    await page.getByRole("button", { name: "Try again" }).click();
    await expect.poll(tickets, { timeout: 10_000 }).toBeGreaterThan(asked);
  });
});
