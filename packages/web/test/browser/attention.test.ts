import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoom } from "../../../../test/support/room-session";
import {
  artifacts,
  type BrowserStack,
  horizontalOverflow,
  memberNames,
  roomNames,
  type Session,
  STEP_MS,
  send,
  startBrowserStack,
  status,
  waitForTexts,
} from "./support/browser-stack";
import { STORY_MS, step } from "./support/story";

let app: BrowserStack;

beforeAll(async () => {
  app = await startBrowserStack("web-attention");
});

afterAll(async () => {
  await app?.stop();
});

const composer = (page: Page) => page.getByLabel("Message", { exact: true });
const myRoom = (page: Page, name: string) => page.getByTestId("my-rooms").locator("li", { hasText: name });
const typingText = (page: Page) => page.getByTestId("typing").textContent();
const seenBy = (page: Page) => page.getByTestId("seen-by");

describe("unread counts, read receipts, typing and mentions (issue: ordered, resumable rooms and attention)", () => {
  let ana: Page;
  let bo: Page;
  let anaSession: Session;
  let boSession: Session;
  let lunchUrl: string;
  let boRoomUrl: string;

  const step1 = step(null, async () => {
    const first = await app.person({ name: "Ana" });
    const second = await app.person({ name: "Bo" });
    [ana, anaSession, bo, boSession] = [first.page, first.session!, second.page, second.session!];
    const lunch = await createRoom(app.stack.httpUrl, anaSession, { name: "Lunch plans" });
    const boRoom = await createRoom(app.stack.httpUrl, boSession, { name: "Bo's desk" });
    lunchUrl = `${app.web.url}#/rooms/${lunch.roomId}`;
    boRoomUrl = `${app.web.url}#/rooms/${boRoom.roomId}`;

    await ana.goto(lunchUrl);
    await status(ana).getByText("Live").waitFor();
    await bo.goto(lunchUrl); // joining a public room makes Bo a member, with nothing unread
    await status(bo).getByText("Live").waitFor();
    await ana.getByTestId("members").getByText("Bo").waitFor();

    await send(ana, "Anyone hungry?");
    await waitForTexts(bo, ["Anyone hungry?"]);
    // Bo has it on screen, so Bo's read position moves to it and Ana is told.
    await seenBy(ana).getByText("Seen by Bo").waitFor();
    // Under the newest message, and never naming the reader: Bo sees no "Seen by" (Ana wrote it, Ana is not listed).
    expect(await ana.locator("li.message:has(+ [data-testid=seen-by]) .message-text").textContent()).toBe(
      "Anyone hungry?",
    );
    expect(await seenBy(bo).count()).toBe(0);
  });
  it("B reads A's first message while in the room; A sees “Seen by Bo” under it", step1, STORY_MS);

  const step2 = step(step1, async () => {
    await bo.goto(boRoomUrl);
    await status(bo).getByText("Live").waitFor();

    await send(ana, "Pizza at 1?");
    const box = composer(ana);
    await box.pressSequentially("@Bo");
    const listbox = ana.getByRole("listbox", { name: "People to mention" });
    await listbox.waitFor();
    // Only Bo: never Ana herself.
    expect(await listbox.getByRole("option").count()).toBe(1);
    await listbox.getByRole("option", { name: "Bo", exact: true }).waitFor();
    const active = await box.getAttribute("aria-activedescendant");
    expect(active).toBeTruthy();
    expect(await ana.locator(`#${active}`).getAttribute("aria-selected")).toBe("true");
    await ana.keyboard.press("Enter"); // picks, does not send
    await expect.poll(() => listbox.count()).toBe(0);
    expect(await box.inputValue()).toBe("@Bo ");
    await box.pressSequentially("can you book a table?");
    await ana.keyboard.press("Enter");
    await send(ana, "Or sushi");
    await waitForTexts(ana, ["Anyone hungry?", "Pizza at 1?", "@Bo can you book a table?", "Or sushi"]);
    // The mention is highlighted for the sender too, but only the person mentioned gets the "mentions you" mark.
    await ana.locator("li.message .mention", { hasText: "@Bo" }).waitFor();
    expect(await ana.locator("li.message.mentions-me").count()).toBe(0);
  });
  it(
    "while B is in another room, A sends three messages, one mentioning B picked with @ completion",
    step2,
    STORY_MS,
  );

  const step3 = step(step2, async () => {
    await bo.getByRole("link", { name: "All rooms" }).click();
    const lunch = myRoom(bo, "Lunch plans");
    await lunch.getByText("3 unread, 1 mention").waitFor({ state: "attached" });
    // The whole phrase is the link's accessible text; the badges themselves are hidden from screen readers.
    await bo.getByRole("link", { name: /Lunch plans.*3 unread, 1 mention/ }).waitFor();
    expect(await lunch.locator(".badge[data-tone=unread]").textContent()).toBe("3");
    expect(await lunch.locator(".badge[data-tone=mention]").textContent()).toBe("@1");
    expect(await myRoom(bo, "Bo's desk").getByTestId("unread").count()).toBe(0);
    // Bo's own room is newer, but Lunch plans has the latest message.
    expect(await roomNames(bo, "my-rooms")).toEqual(["Lunch plans", "Bo's desk"]);
    await bo.screenshot({ path: `${artifacts}attention-my-rooms-unread.png` });
  });
  it(
    "B's “My rooms” shows 3 unread and 1 mention for that room, most recent activity first",
    step3,
    STORY_MS,
  );

  const step4 = step(step3, async () => {
    await myRoom(bo, "Lunch plans").getByRole("link").click();
    await status(bo).getByText("Live").waitFor();
    await waitForTexts(bo, ["Anyone hungry?", "Pizza at 1?", "@Bo can you book a table?", "Or sushi"]);
    const divider = bo.getByTestId("new-messages");
    await divider.getByText("New messages").waitFor();
    expect(await divider.count()).toBe(1);
    expect(await bo.locator("li.message:has(+ [data-testid=new-messages]) .message-text").textContent()).toBe(
      "Anyone hungry?",
    );
    expect(await bo.locator("[data-testid=new-messages] + li.message .message-text").textContent()).toBe(
      "Pizza at 1?",
    );
    const mention = bo.locator("li.message.mentions-me");
    expect(await mention.count()).toBe(1);
    expect(await mention.locator(".message-text").textContent()).toBe("@Bo can you book a table?");
    await mention.getByText("Mentions you.").waitFor({ state: "attached" });

    await expect.poll(() => seenBy(ana).textContent(), { timeout: STEP_MS }).toBe("Seen by Bo");
    expect(await ana.locator("li.message:has(+ [data-testid=seen-by]) .message-text").textContent()).toBe(
      "Or sushi",
    );
    await bo.screenshot({ path: `${artifacts}attention-room-divider.png` });

    // The divider stays while the room is open, even as more arrives.
    await send(ana, "Booked for 1 pm");
    await waitForTexts(bo, [
      "Anyone hungry?",
      "Pizza at 1?",
      "@Bo can you book a table?",
      "Or sushi",
      "Booked for 1 pm",
    ]);
    expect(await bo.locator("[data-testid=new-messages] + li.message .message-text").textContent()).toBe(
      "Pizza at 1?",
    );
    await expect.poll(() => seenBy(ana).textContent(), { timeout: STEP_MS }).toBe("Seen by Bo");
  });
  it(
    "B opens the room: the divider sits before the first unread message, the mention is marked; A sees “Seen by Bo”",
    step4,
    STORY_MS,
  );

  const step5 = step(step4, async () => {
    const region = bo.getByTestId("typing");
    expect(await region.getAttribute("aria-live")).toBe("polite");
    await composer(ana).pressSequentially("Let me check");
    await expect.poll(() => typingText(bo), { timeout: STEP_MS }).toBe("Ana is typing…");
    expect(await typingText(ana)).toBe("");
    // Nothing more typed: it goes away on its own (about 5 s after the last typing frame).
    await expect.poll(() => typingText(bo), { timeout: STEP_MS }).toBe("");

    // Typing again shows it again; the message itself ends it at once.
    await composer(ana).pressSequentially(" again");
    await expect.poll(() => typingText(bo), { timeout: STEP_MS }).toBe("Ana is typing…");
    await ana.keyboard.press("Enter");
    await waitForTexts(bo, [
      "Anyone hungry?",
      "Pizza at 1?",
      "@Bo can you book a table?",
      "Or sushi",
      "Booked for 1 pm",
      "Let me check again",
    ]);
    expect(await typingText(bo)).toBe("");
  });
  it("A typing shows on B's screen for a few seconds, in a polite live region", step5, STORY_MS);

  const step6 = step(step5, async () => {
    await expect.poll(() => seenBy(ana).textContent(), { timeout: STEP_MS }).toBe("Seen by Bo");
    await bo.getByRole("link", { name: "All rooms" }).click();
    await myRoom(bo, "Lunch plans").waitFor();
    expect(await myRoom(bo, "Lunch plans").getByTestId("unread").count()).toBe(0);
  });
  it("once read, the room has no unread badge in B's list", step6, STORY_MS);

  const step7 = step(step6, async () => {
    const { page: phone } = await app.person({ name: "Cleo", width: 390, height: 844 });
    await phone.goto(lunchUrl);
    await status(phone).getByText("Live").waitFor();
    await phone.getByRole("button", { name: /^People/ }).click();
    await phone.getByTestId("members").getByText("Bo").waitFor();
    await phone.getByRole("button", { name: /^Chat/ }).click();

    const box = composer(phone);
    await box.focus();
    await phone.keyboard.type("Hi @");
    const listbox = phone.getByRole("listbox", { name: "People to mention" });
    await listbox.waitFor();
    expect(await listbox.getByRole("option").count()).toBe(2); // Ana and Bo, not Cleo
    await phone.keyboard.press("ArrowDown");
    await phone.getByRole("option", { name: "Bo", exact: true, selected: true }).waitFor();
    expect(await box.getAttribute("aria-activedescendant")).toBe(
      await phone.getByRole("option", { selected: true }).getAttribute("id"),
    );
    await phone.keyboard.press("Escape");
    await expect.poll(() => listbox.count()).toBe(0);
    await phone.keyboard.type("B");
    expect(await listbox.count()).toBe(0); // closed for this @ until another one
    await phone.keyboard.press("Backspace");
    await phone.keyboard.press("Backspace");
    await phone.keyboard.type("@b");
    await listbox.waitFor();
    expect(await horizontalOverflow(phone)).toBe(0);
    await phone.screenshot({ path: `${artifacts}attention-phone-mention.png` });
    await phone.keyboard.press("Tab");
    expect(await box.inputValue()).toBe("Hi @Bo ");
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await phone.keyboard.type("see you there");
    await phone.keyboard.press("Enter");
    await waitForTexts(phone, [
      "Anyone hungry?",
      "Pizza at 1?",
      "@Bo can you book a table?",
      "Or sushi",
      "Booked for 1 pm",
      "Let me check again",
      "Hi @Bo see you there",
    ]);
    expect(await horizontalOverflow(phone)).toBe(0);

    // Bo, in his list at phone width too: the badges fit.
    await bo.setViewportSize({ width: 390, height: 844 });
    await bo.reload();
    await myRoom(bo, "Lunch plans").getByText("1 unread, 1 mention").waitFor({ state: "attached" });
    expect(await horizontalOverflow(bo)).toBe(0);
    await bo.screenshot({ path: `${artifacts}attention-phone-rooms.png`, fullPage: true });
  });
  it("@ completion works by keyboard alone at phone width", step7, STORY_MS);

  it("the person picked with the arrow keys stays picked while someone new joins the room", async () => {
    const { page: ana, session } = await app.person({ name: "Ana" });
    const room = await createRoom(app.stack.httpUrl, session as Session, { name: "Joining mid-mention" });
    const url = `${app.web.url}#/rooms/${room.roomId}`;
    const enter = async (page: Page) => {
      await page.goto(url);
      await status(page).getByText("Live").waitFor();
    };
    await enter(ana);
    for (const name of ["Bo", "Bob"]) await enter((await app.person({ name })).page);
    await expect.poll(() => memberNames(ana)).toEqual(["Ana", "Bo", "Bob"]);

    const box = composer(ana);
    await box.focus();
    await ana.keyboard.type("@B");
    await ana.getByRole("option", { name: "Bob", exact: true }).waitFor();
    await ana.keyboard.press("ArrowDown");
    await ana.getByRole("option", { name: "Bob", exact: true, selected: true }).waitFor();
    // Bea opens the room meanwhile and comes first among the suggestions: Bob is still the one Enter picks.
    await enter((await app.person({ name: "Bea" })).page);
    await ana.getByRole("option", { name: "Bea", exact: true }).waitFor();
    expect(await ana.getByRole("option", { name: "Bob", exact: true }).getAttribute("aria-selected")).toBe(
      "true",
    );
    await ana.keyboard.press("Enter");
    expect(await box.inputValue()).toBe("@Bob ");
  });

  it("a mention picked before its person changes name still reaches them", async () => {
    const { page: ana, session } = await app.person({ name: "Ana" });
    const room = await createRoom(app.stack.httpUrl, session as Session, { name: "Renamed mid-message" });
    const url = `${app.web.url}#/rooms/${room.roomId}`;
    await ana.goto(url);
    await status(ana).getByText("Live").waitFor();
    const { page: bo } = await app.person({ name: "Bo" });
    await bo.goto(url);
    await status(bo).getByText("Live").waitFor();
    await expect.poll(() => memberNames(ana)).toEqual(["Ana", "Bo"]);

    await composer(ana).focus();
    await ana.keyboard.type("@Bo");
    await ana.getByRole("option", { name: "Bo", exact: true }).waitFor();
    await ana.keyboard.press("Enter");
    await ana.keyboard.type("lunch?");
    // Before Ana sends it, Bo renames himself and comes back: the room knows him by his new name now.
    await bo.goto(app.web.url);
    await bo.getByRole("button", { name: "Change name" }).click();
    await bo.getByLabel("Your display name").fill("Bo B.");
    await bo.getByRole("button", { name: "Save name" }).click();
    await bo.getByTestId("my-name").getByText("Bo B.").waitFor();
    await bo.goto(url);
    await status(bo).getByText("Live").waitFor();
    await expect.poll(() => memberNames(ana)).toEqual(["Ana", "Bo B."]);

    await ana.keyboard.press("Enter");
    await waitForTexts(bo, ["@Bo lunch?"]);
    await bo.locator("li.message.mentions-me").getByText("Mentions you.").waitFor({ state: "attached" });
  });
});
