import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoom } from "../../../../test/support/room-session";
import {
  artifacts,
  type BrowserStack,
  horizontalOverflow,
  memberNames,
  ownTexts,
  roomNames,
  type Session,
  send,
  startBrowserStack,
  status,
  waitForTexts,
} from "./support/browser-stack";
import { STORY_MS, step } from "./support/story";

let app: BrowserStack;

beforeAll(async () => {
  app = await startBrowserStack("web-private");
});

afterAll(async () => {
  await app?.stop();
});

/** Both lists on the rooms screen have answered (each shows rooms or its empty text). */
async function roomListsLoaded(page: Page) {
  for (const name of ["My rooms", "Public rooms"]) {
    await expect
      .poll(() => page.getByRole("region", { name }).locator(".room-list li, .empty").count())
      .toBeGreaterThan(0);
  }
}

describe("private rooms, invites and removal (issue: identity, private rooms, invites and connect tickets)", () => {
  let ana: Page;
  let bo: Page;
  let roomUrl: string;
  let inviteLink: string;

  const step1 = step(null, async () => {
    ({ page: ana } = await app.person({ name: "Ana", clipboard: true }));
    await ana.goto(app.web.url);
    await ana.getByLabel("New room").fill("Surprise party");
    await ana.getByLabel("Private").check();
    await ana.getByRole("button", { name: "Create room" }).click();
    await ana.getByTestId("room-title").getByText("Surprise party").waitFor();
    await status(ana).getByText("Live").waitFor();
    await ana.locator(".room-header").getByText("Private").waitFor();
    // A private room's own address is no way in for others, so there is no "Copy link" for it.
    expect(await ana.getByRole("button", { name: "Copy link" }).count()).toBe(0);
    roomUrl = ana.url();

    await ana.getByRole("link", { name: "All rooms" }).click();
    await roomListsLoaded(ana);
    expect(await roomNames(ana, "my-rooms")).toEqual(["Surprise party"]);
    const mine = ana.getByTestId("my-rooms").locator("li", { hasText: "Surprise party" });
    await mine.getByText("Owner").waitFor();
    await mine.getByText("Private").waitFor();
    expect(await roomNames(ana, "public-rooms")).toEqual([]);

    ({ page: bo } = await app.person({ name: "Bo" }));
    await bo.goto(app.web.url);
    await roomListsLoaded(bo);
    expect(await roomNames(bo, "my-rooms")).toEqual([]);
    expect(await roomNames(bo, "public-rooms")).toEqual([]);

    await bo.goto(roomUrl);
    await bo.getByRole("heading", { name: "Room not found" }).waitFor();
    // The same words as for a room that does not exist: nothing says a private room is there.
    await bo.getByText("This room doesn't exist, or you don't have access to it.").waitFor();
  });
  it(
    "A creates a private room; B finds it in no list and its address shows the not-found screen",
    step1,
    STORY_MS,
  );

  const step2 = step(step1, async () => {
    await ana.goto(roomUrl);
    await status(ana).getByText("Live").waitFor();
    await ana.getByRole("button", { name: "Copy invite link" }).click();
    await ana.getByRole("status").getByText("Invite link copied.").waitFor();
    inviteLink = await ana.getByTestId("invite-link").inputValue();
    expect(inviteLink).toMatch(
      new RegExp(`^${app.web.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}#/invite/[A-Za-z0-9_-]+$`),
    );
    expect(await ana.evaluate(() => navigator.clipboard.readText())).toBe(inviteLink);

    await bo.goto(inviteLink);
    await bo.getByTestId("room-title").getByText("Surprise party").waitFor();
    expect(bo.url()).toBe(roomUrl);
    await status(bo).getByText("Live").waitFor();
    await ana.getByTestId("members").getByText("Bo").waitFor();

    await send(ana, "Cake or pie?");
    await waitForTexts(bo, ["Cake or pie?"]);
    await send(bo, "Both!");
    await waitForTexts(ana, ["Cake or pie?", "Both!"]);
    // "Mine" is decided by userId: each sees only their own message as theirs.
    expect(await ownTexts(ana)).toEqual(["Cake or pie?"]);
    expect(await ownTexts(bo)).toEqual(["Both!"]);
    await bo.locator("[data-testid=members] li", { hasText: "Ana" }).getByText("Owner").waitFor();
    // Only the owner can remove people or make invites.
    expect(await bo.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await bo.getByRole("button", { name: "Copy invite link" }).count()).toBe(0);

    await bo.getByRole("link", { name: "All rooms" }).click();
    await expect.poll(() => roomNames(bo, "my-rooms")).toEqual(["Surprise party"]);
    expect(await roomNames(bo, "public-rooms")).toEqual([]);
    await bo.goto(roomUrl);
    await status(bo).getByText("Live").waitFor();
    await ana.screenshot({ path: `${artifacts}private-room-owner.png` });
  });
  it("A copies an invite link; B opens it, joins and lands in the room; they chat", step2, STORY_MS);

  const step3 = step(step2, async () => {
    const tickets: string[] = [];
    bo.on("request", (request) => request.url().includes("/tickets") && tickets.push(request.url()));
    await ana.getByRole("button", { name: "Remove Bo" }).click();
    const confirm = ana.getByRole("button", { name: "Yes, remove Bo" });
    await expect.poll(() => confirm.evaluate((button) => button === document.activeElement)).toBe(true);
    // Bo comes in on a second tab while Ana is confirming: the presence change leaves her confirmation (and its
    // focus) where it was.
    const boAgain = await bo.context().newPage();
    await boAgain.goto(roomUrl);
    await status(boAgain).getByText("Live").waitFor();
    await ana.getByTestId("members").getByText("here · 2 connections").waitFor();
    expect(await confirm.evaluate((button) => button === document.activeElement)).toBe(true);
    // A private room's removal also stops the links shared so far (else Bo, as a new guest, could use one).
    await ana
      .getByRole("group", { name: "Remove Bo?" })
      .getByText("Invite links shared so far will stop working.", { exact: false })
      .waitFor();
    expect(await ana.getByTestId("invite-link").inputValue()).toBe(inviteLink);
    await ana.keyboard.press("Enter");
    await bo.getByRole("heading", { name: "You were removed from this room" }).waitFor();
    // The link Ana had on screen is gone with them.
    await ana
      .getByRole("status")
      .getByText("Invite links shared so far no longer work.", { exact: false })
      .waitFor();
    expect(await ana.getByTestId("invite-link").count()).toBe(0);
    await boAgain.getByRole("heading", { name: "You were removed from this room" }).waitFor();
    await boAgain.close();
    await expect.poll(() => memberNames(ana)).toEqual(["Ana"]);
    await bo.screenshot({ path: `${artifacts}private-room-removed.png` });

    // No reconnect loop: nothing asked for a ticket, then or since (so the frame, not a refusal, said it).
    await bo.waitForTimeout(3_000);
    expect(tickets).toEqual([]);
    await bo.getByRole("heading", { name: "You were removed from this room" }).waitFor();

    // The old invite does not let B back in; the room is gone from B's lists.
    await bo.goto(inviteLink);
    await bo.getByRole("heading", { name: "You can't join this room" }).waitFor();
    await bo.goto(app.web.url);
    await roomListsLoaded(bo);
    expect(await roomNames(bo, "my-rooms")).toEqual([]);
  });
  it(
    "A removes B (after confirming); B's page says so (the `removed` frame) and does not reconnect",
    step3,
    STORY_MS,
  );

  const step4 = step(step3, async () => {
    await ana.getByRole("button", { name: "Copy invite link" }).click();
    await ana.getByRole("status").getByText("Invite link copied.").waitFor();
    await expect.poll(() => ana.getByTestId("invite-link").inputValue()).not.toBe(inviteLink);
    const second = await ana.getByTestId("invite-link").inputValue();
    await bo.goto(second);
    await status(bo).getByText("Live").waitFor();
    await waitForTexts(bo, ["Cake or pie?", "Both!"]);

    // Someone on their first visit picks a name first, then the invite goes through.
    const { page: eve } = await app.person({});
    await eve.goto(second);
    await eve.getByLabel("Your display name").fill("Eve");
    await eve.getByRole("button", { name: "Continue" }).click();
    await eve.getByTestId("room-title").getByText("Surprise party").waitFor();
    await status(eve).getByText("Live").waitFor();
    await expect.poll(() => memberNames(ana)).toEqual(["Ana", "Bo", "Eve"]);

    await ana.getByRole("button", { name: "Revoke invite links" }).click();
    await ana.getByRole("status").getByText("Invite links revoked.").waitFor();
    const { page: cleo } = await app.person({ name: "Cleo" });
    await cleo.goto(second);
    await cleo.getByRole("heading", { name: "This invite link doesn't work" }).waitFor();
  });
  it("a new invite readmits B; revoking makes every earlier link stop working", step4, STORY_MS);

  const step5 = step(step4, async () => {
    await ana.goto(app.web.url);
    await ana.getByLabel("New room").fill("Open mic");
    await ana.getByRole("button", { name: "Create room" }).click();
    await status(ana).getByText("Live").waitFor();
    const publicUrl = ana.url();

    await bo.goto(publicUrl);
    await status(bo).getByText("Live").waitFor();
    await bo.getByRole("button", { name: "Leave room" }).click();
    await bo.getByRole("button", { name: "Yes, leave" }).click();
    await bo.getByRole("heading", { name: "Rooms", exact: true }).waitFor();
    await roomListsLoaded(bo);
    expect(await roomNames(bo, "my-rooms")).toEqual(["Surprise party"]);

    await bo.goto(publicUrl);
    await status(bo).getByText("Live").waitFor();
    await ana.getByTestId("members").getByText("Bo").waitFor();
    await ana.getByRole("button", { name: "Remove Bo" }).click();
    await ana.getByRole("button", { name: "Yes, remove Bo" }).click();
    await bo.getByRole("heading", { name: "You were removed from this room" }).waitFor();

    const tickets: number[] = [];
    bo.on("response", (response) => response.url().includes("/tickets") && tickets.push(response.status()));
    await bo.reload();
    await bo.getByRole("heading", { name: "You were removed from this room" }).waitFor();
    await bo.waitForTimeout(2_000);
    expect(tickets).toEqual([403]);
  });
  it(
    "in a public room: leaving takes B back to the rooms list; a removed B who reloads sees the removal (ticket 403), not a loop",
    step5,
    STORY_MS,
  );

  it("an open removal confirmation keeps its focus while the member list reorders around it", async () => {
    const { page: owner, session } = await app.person({ name: "Ana" });
    const room = await createRoom(app.stack.httpUrl, session as Session, { name: "Reordering people" });
    const url = `${app.web.url}#/rooms/${room.roomId}`;
    await owner.goto(url);
    await status(owner).getByText("Live").waitFor();
    const visitors: Record<string, Page> = {};
    for (const name of ["Bo", "Cy"]) {
      ({ page: visitors[name] } = await app.person({ name }));
      await visitors[name]?.goto(url);
      await status(visitors[name] as Page)
        .getByText("Live")
        .waitFor();
    }
    await expect.poll(() => memberNames(owner)).toEqual(["Ana", "Bo", "Cy"]);
    await owner.getByRole("button", { name: "Remove Bo" }).click();
    const confirm = owner.getByRole("button", { name: "Yes, remove Bo" });
    await expect.poll(() => confirm.evaluate((button) => button === document.activeElement)).toBe(true);

    // Bo closes his page while Ana is confirming: he is away now, so his row moves below Cy's, who is still here.
    await visitors.Bo?.close();
    await expect.poll(() => memberNames(owner)).toEqual(["Ana", "Cy", "Bo"]);
    expect(await confirm.evaluate((button) => button === document.activeElement)).toBe(true);
    await owner.keyboard.press("Enter");
    await expect.poll(() => memberNames(owner)).toEqual(["Ana", "Cy"]);
  });

  it("the owner's tools work at phone width and by keyboard", async () => {
    const { page: phone } = await app.person({ name: "Dana", width: 390, height: 844 });
    await phone.goto(app.web.url);
    await phone.getByLabel("New room").fill("Phone room");
    await phone.getByLabel("Private").focus();
    await phone.keyboard.press("Space");
    expect(await phone.getByLabel("Private").isChecked()).toBe(true);
    await phone.getByLabel("New room").focus();
    await phone.keyboard.press("Enter");
    await status(phone).getByText("Live").waitFor();
    await phone.getByRole("button", { name: /^People/ }).click();
    await phone.getByRole("button", { name: "Copy invite link" }).focus();
    await phone.keyboard.press("Enter");
    await phone.getByTestId("invite-link").waitFor();
    await phone.screenshot({ path: `${artifacts}private-room-phone-people.png`, fullPage: true });
    expect(await horizontalOverflow(phone)).toBe(0);
  });
});
