import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLive } from "../../../../test/support/live-client";
import { seriousViolations } from "./support/axe";
import {
  anaAndBoInARoom,
  artifacts,
  type BrowserStack,
  confirmedTexts,
  horizontalOverflow,
  send,
  startBrowserStack,
  status,
  waitForTexts,
} from "./support/browser-stack";
import { disconnectMember } from "./support/room-connections";

let app: BrowserStack;
/** Bo reads on a phone. */
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  app = await startBrowserStack("web-edits");
});

afterAll(async () => {
  await app?.stop();
});

/** The confirmed message with this id on a page. */
const row = (page: Page, messageId: string) =>
  page.locator(`[data-testid=messages] li.message[data-message-id="${messageId}"]`);

async function messageIdOf(page: Page, text: string): Promise<string> {
  const item = page.locator("[data-testid=messages] li.message:not(.pending)", { hasText: text });
  await item.waitFor();
  const id = await item.getAttribute("data-message-id");
  if (!id) throw new Error(`no messageId on “${text}”`);
  return id;
}

/** What a message's reaction chips show: emoji, count and whether the reader's own is among them. */
const chips = (message: Locator) =>
  message.locator(".reaction-chip").evaluateAll((buttons) =>
    buttons.map((b) => ({
      emoji: b.getAttribute("data-emoji"),
      count: Number(b.querySelector(".reaction-count")?.textContent),
      mine: b.getAttribute("aria-pressed") === "true",
    })),
  );

describe("editing, deleting and reacting to messages in Chromium", () => {
  it("A edits and deletes A's own messages, B sees it and cannot edit A's, both react, and a reload keeps it all", async () => {
    const { ana, bo, roomId, boSession } = await anaAndBoInARoom(app, "Edits", { bo: PHONE });
    await send(ana, "Train at 9?");
    await send(ana, "Bring snacks");
    await waitForTexts(bo, ["Train at 9?", "Bring snacks"]);
    const train = await messageIdOf(ana, "Train at 9?");
    const snacks = await messageIdOf(ana, "Bring snacks");

    // Bo is offered neither Edit nor Delete on Ana's messages (Bo is not the owner), only reactions.
    await row(bo, train).getByRole("button", { name: "Add reaction" }).waitFor();
    expect(await row(bo, train).getByRole("button", { name: "Edit" }).count()).toBe(0);
    expect(await row(bo, train).getByRole("button", { name: "Delete" }).count()).toBe(0);

    // Ana edits in place: the text is there, Escape cancels, Enter saves.
    await row(ana, train).getByRole("button", { name: "Edit" }).click();
    const editor = row(ana, train).getByLabel("Edit message");
    expect(await editor.inputValue()).toBe("Train at 9?");
    await editor.fill("never mind");
    await ana.keyboard.press("Escape");
    await expect.poll(() => row(ana, train).getByLabel("Edit message").count()).toBe(0);
    expect(await ana.evaluate(() => document.activeElement?.textContent)).toBe("Edit");
    await row(ana, train).getByRole("button", { name: "Edit" }).click();
    await row(ana, train).getByLabel("Edit message").fill("Train at 9:30?");
    await ana.keyboard.press("Enter");
    await waitForTexts(bo, ["Train at 9:30?", "Bring snacks"]);
    await row(bo, train).getByText("edited", { exact: true }).waitFor();
    await row(ana, train).getByText("edited", { exact: true }).waitFor();

    // Ana deletes the other after confirming: both see a tombstone, the text is gone.
    await row(ana, snacks).getByRole("button", { name: "Delete" }).click();
    await ana
      .getByRole("group", { name: "Delete this message?" })
      .getByRole("button", { name: "Yes, delete" })
      .click();
    for (const page of [ana, bo]) {
      await row(page, snacks).getByText("Message deleted").waitFor();
      expect(await row(page, snacks).textContent()).not.toContain("Bring snacks");
      expect(await row(page, snacks).getByRole("button").count()).toBe(0);
    }
    await waitForTexts(bo, ["Train at 9:30?"]);

    // A forged edit (and delete) of Ana's message from Bo's own socket is refused and changes nothing.
    const forger = await connectLive(app.stack, { roomId, who: boSession });
    try {
      for (const frame of [
        { action: "editMessage", messageId: train, text: "Bo was here" },
        { action: "deleteMessage", messageId: train },
      ]) {
        const from = forger.received;
        forger.send(frame);
        const refusal = await forger.waitFor((f) => f.type === "error", {
          from,
          what: `${frame.action} refusal`,
        });
        expect(refusal).toMatchObject({ type: "error", code: "forbidden", action: frame.action });
      }
    } finally {
      await forger.close();
    }
    await waitForTexts(ana, ["Train at 9:30?"]);

    // Both react. Ana with the pointer; Bo with the keyboard only, on a phone.
    await row(ana, train).getByRole("button", { name: "Add reaction" }).click();
    await row(ana, train).getByRole("button", { name: "thumbs up" }).click();
    await row(bo, train).getByRole("button", { name: "Add reaction" }).focus();
    await bo.keyboard.press("Enter");
    await expect.poll(() => bo.evaluate(() => document.activeElement?.getAttribute("data-emoji"))).toBe("👍");
    await bo.keyboard.press("Enter");
    await row(bo, train).getByRole("button", { name: "Add reaction" }).focus();
    await bo.keyboard.press("Enter");
    for (let i = 0; i < 3; i++) await bo.keyboard.press("Tab");
    await bo.keyboard.press("Space");
    await expect
      .poll(() => chips(row(bo, train)))
      .toEqual([
        { emoji: "👍", count: 2, mine: true },
        { emoji: "🎉", count: 1, mine: true },
      ]);
    await expect
      .poll(() => chips(row(ana, train)))
      .toEqual([
        { emoji: "👍", count: 2, mine: true },
        { emoji: "🎉", count: 1, mine: false },
      ]);
    expect(await seriousViolations(bo), "reactions and picker at 390 px").toEqual([]);
    expect(await horizontalOverflow(bo)).toBe(0);
    await bo.screenshot({ path: `${artifacts}message-edits-phone.png` });

    // A chip toggles the reader's own: Ana adds 🎉, Bo takes back 👍.
    await row(ana, train).locator(".reaction-chip[data-emoji='🎉']").click();
    await row(bo, train).locator(".reaction-chip[data-emoji='👍']").click();
    const expected = (anaMine: boolean) => [
      { emoji: "👍", count: 1, mine: anaMine },
      { emoji: "🎉", count: 2, mine: true },
    ];
    await expect.poll(() => chips(row(ana, train))).toEqual(expected(true));
    await expect.poll(() => chips(row(bo, train))).toEqual(expected(false));

    // A reload keeps the edit, the tombstone and the reactions with Ana's own marked.
    await ana.reload();
    await status(ana).getByText("Live").waitFor();
    await waitForTexts(ana, ["Train at 9:30?"]);
    await row(ana, train).getByText("edited", { exact: true }).waitFor();
    await row(ana, snacks).getByText("Message deleted").waitFor();
    await expect.poll(() => chips(row(ana, train))).toEqual(expected(true));
  });

  it("a reaction chip keeps the keyboard focus while its counts change, by the reader or anyone else", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Chip focus", { bo: PHONE });
    await send(ana, "Lunch at 1?");
    await waitForTexts(bo, ["Lunch at 1?"]);
    const lunch = await messageIdOf(ana, "Lunch at 1?");
    await row(ana, lunch).getByRole("button", { name: "Add reaction" }).click();
    await row(ana, lunch).getByRole("button", { name: "thumbs up" }).click();
    const thumbs = row(bo, lunch).locator(".reaction-chip[data-emoji='👍']");
    const focusedEmoji = () => bo.evaluate(() => document.activeElement?.getAttribute("data-emoji"));

    // Bo adds his 👍 from the keyboard: the chip he pressed still has the focus once the counts come back.
    await thumbs.focus();
    await bo.keyboard.press("Space");
    await expect.poll(() => chips(row(bo, lunch))).toEqual([{ emoji: "👍", count: 2, mine: true }]);
    expect(await focusedEmoji()).toBe("👍");

    // Ana reacts with something else meanwhile: Bo's focus stays on his chip, and a second press takes his back.
    await row(ana, lunch).getByRole("button", { name: "Add reaction" }).click();
    await row(ana, lunch).getByRole("button", { name: "party" }).click();
    await expect
      .poll(() => chips(row(bo, lunch)))
      .toEqual([
        { emoji: "👍", count: 2, mine: true },
        { emoji: "🎉", count: 1, mine: false },
      ]);
    expect(await focusedEmoji()).toBe("👍");
    await bo.keyboard.press("Space");
    await expect
      .poll(() => chips(row(ana, lunch)))
      .toEqual([
        { emoji: "👍", count: 1, mine: true },
        { emoji: "🎉", count: 1, mine: true },
      ]);
  });

  it("the owner may delete anyone's message but edit only their own; the editor passes axe", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Owner deletes", { bo: PHONE });
    await send(bo, "Spam spam spam");
    await waitForTexts(ana, ["Spam spam spam"]);
    const spam = await messageIdOf(ana, "Spam spam spam");
    expect(await row(ana, spam).getByRole("button", { name: "Edit" }).count()).toBe(0);
    expect(await row(bo, spam).getByRole("button", { name: "Edit" }).count()).toBe(1);

    await row(bo, spam).getByRole("button", { name: "Edit" }).click();
    await row(bo, spam).getByLabel("Edit message").waitFor();
    expect(await seriousViolations(bo), "inline editor at 390 px").toEqual([]);
    await bo.keyboard.press("Escape");

    await row(ana, spam).getByRole("button", { name: "Delete" }).click();
    expect(await seriousViolations(ana), "delete confirmation").toEqual([]);
    await ana.keyboard.press("Enter");
    await row(bo, spam).getByText("Message deleted").waitFor();
    await waitForTexts(bo, []);
  });

  it("a reader who was away sees the edits, deletions and reactions made meanwhile once back", async () => {
    const { ana, bo, roomId } = await anaAndBoInARoom(app, "Away", { bo: PHONE });
    for (const text of ["Keep me", "Fix me", "Drop me"]) await send(ana, text);
    await waitForTexts(bo, ["Keep me", "Fix me", "Drop me"]);
    const [keep, fix, drop] = await Promise.all(
      ["Keep me", "Fix me", "Drop me"].map((t) => messageIdOf(ana, t)),
    );
    // Bo off the network, and Bo's live socket cut, so nothing of what follows reaches Bo live.
    await bo.context().setOffline(true);
    expect(await disconnectMember({ ...app.stack, roomId, name: "Bo" })).toBeGreaterThan(0);
    await status(bo).getByText("Reconnecting…").waitFor();

    await row(ana, fix as string)
      .getByRole("button", { name: "Edit" })
      .click();
    await row(ana, fix as string)
      .getByLabel("Edit message")
      .fill("Fixed");
    await ana.keyboard.press("Enter");
    await row(ana, drop as string)
      .getByRole("button", { name: "Delete" })
      .click();
    await ana.getByRole("button", { name: "Yes, delete" }).click();
    await row(ana, keep as string)
      .getByRole("button", { name: "Add reaction" })
      .click();
    await row(ana, keep as string)
      .getByRole("button", { name: "party" })
      .click();
    await waitForTexts(ana, ["Keep me", "Fixed"]);
    await expect.poll(() => chips(row(ana, keep as string))).toEqual([{ emoji: "🎉", count: 1, mine: true }]);
    expect(await confirmedTexts(bo)).toEqual(["Keep me", "Fix me", "Drop me"]);

    await bo.context().setOffline(false);
    await status(bo).getByText("Live").waitFor({ timeout: 45_000 });
    await waitForTexts(bo, ["Keep me", "Fixed"]);
    await row(bo, fix as string)
      .getByText("edited", { exact: true })
      .waitFor();
    await row(bo, drop as string)
      .getByText("Message deleted")
      .waitFor();
    await expect.poll(() => chips(row(bo, keep as string))).toEqual([{ emoji: "🎉", count: 1, mine: false }]);
  });

  it("messages typed in quick succession are stored and shown in the order typed", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Quick", { bo: PHONE });
    const typed = Array.from({ length: 10 }, (_, i) => `quick ${i + 1}`);
    // Faster than any typist: each written and sent with Enter within one task, so without one-at-a-time
    // sending they would all be on the wire at once.
    await ana.getByLabel("Message", { exact: true }).evaluate((composer, texts) => {
      const field = composer as HTMLTextAreaElement;
      for (const text of texts) {
        field.value = text;
        field.dispatchEvent(new InputEvent("input", { bubbles: true }));
        field.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      }
    }, typed);
    // Confirmed messages show in seq order: the room stored them in the order typed.
    await waitForTexts(ana, typed);
    await waitForTexts(bo, typed);
    await ana.reload();
    await status(ana).getByText("Live").waitFor();
    await waitForTexts(ana, typed);
  });
});
