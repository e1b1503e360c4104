import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoom } from "../../../../test/support/room-session";
import { seriousViolations } from "./support/axe";
import { type BrowserStack, send, startBrowserStack, status } from "./support/browser-stack";

let app: BrowserStack;

beforeAll(async () => {
  app = await startBrowserStack("web-a11y");
});

afterAll(async () => {
  await app?.stop();
});

const widths = [
  { device: "desktop", width: 1200, height: 800 },
  { device: "phone", width: 390, height: 844 },
] as const;

/** No serious or critical WCAG 2.1 A/AA violation on the screen as it is now (the list says which otherwise). */
async function expectAccessible(page: Page, screen: string) {
  expect(await seriousViolations(page), screen).toEqual([]);
}

/** Both lists on the rooms screen have answered (each shows rooms or its empty text). */
async function roomListsLoaded(page: Page) {
  for (const name of ["My rooms", "Public rooms"]) {
    await expect
      .poll(() => page.getByRole("region", { name }).locator(".room-list li, .empty").count())
      .toBeGreaterThan(0);
  }
}

describe.each(widths)(
  "accessibility (axe-core, WCAG 2.1 AA) at $device width",
  ({ device, width, height }) => {
    it("the name form", async () => {
      const { page } = await app.person({ width, height });
      await page.goto(app.web.url);
      await page.getByLabel("Your display name").waitFor();
      await expectAccessible(page, `name form, ${device}`);
    });

    it("the rooms list", async () => {
      const { page, session } = await app.person({ name: `Ana ${device}`, width, height });
      const other = await app.signIn("Bo");
      await createRoom(app.stack.httpUrl, session ?? other, { name: `Mine ${device}` });
      await createRoom(app.stack.httpUrl, other, { name: `Theirs ${device}` });
      await page.goto(app.web.url);
      await roomListsLoaded(page);
      await page.getByText(`Mine ${device}`).first().waitFor();
      await expectAccessible(page, `rooms list, ${device}`);
    });

    it("the room page, each of its panels, with a message, a todo and the owner's invite controls", async () => {
      const { page, session } = await app.person({ name: `Owner ${device}`, width, height });
      if (!session) throw new Error("a named person has a session");
      const room = await createRoom(app.stack.httpUrl, session, {
        name: `Trip ${device}`,
        visibility: "private",
      });
      await page.goto(`${app.web.url}#/rooms/${room.roomId}`);
      await status(page).getByText("Live").waitFor();
      await send(page, "Train at 9?");
      await page.locator("[data-testid=messages] li.message:not(.pending)").first().waitFor();
      // Phone width shows one panel at a time: check each; desktop shows them side by side.
      const panels = device === "phone" ? ["Chat", "Todos", "People"] : ["all"];
      for (const panel of panels) {
        if (panel !== "all") await page.getByRole("button", { name: new RegExp(`^${panel}`) }).click();
        if (panel === "Todos" || panel === "all") {
          await page.getByLabel("New todo").fill("Book tickets");
          await page.keyboard.press("Enter");
          await page.getByLabel("Book tickets", { exact: true }).first().waitFor();
          // An assignee's badge, the assignee picker and the "Assigned to me" filter turned on.
          await page.getByLabel("Assignee of “Book tickets”").first().selectOption({ index: 1 });
          await page
            .getByRole("img", { name: /^Assigned to/ })
            .first()
            .waitFor();
          await page.getByRole("button", { name: "Assigned to me" }).click();
        }
        await expectAccessible(page, `room page (${panel}), ${device}`);
      }
    });

    it("the invite page when the invite does not work", async () => {
      const { page } = await app.person({ name: `Guest ${device}`, width, height });
      await page.goto(`${app.web.url}#/invite/no-such-invite`);
      await page.getByRole("heading", { name: "This invite link doesn't work" }).waitFor();
      await expectAccessible(page, `invite page, ${device}`);
    });
  },
);
