import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { startLocalStack, type LocalStack } from "@rooms/local";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/chromium";
import { disconnectMember } from "./support/room-connections";
import { serveWebApp, type WebApp } from "./support/web-app";

const artifacts = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const STEP_MS = 15_000;

let stack: LocalStack;
let web: WebApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  // The handlers run in this process; their per-invocation INFO lines would drown the test output.
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  stack = await startLocalStack({ dynamodb: { endpoint: inject("dynamodbEndpoint") }, tableName: `web-browser-${Date.now()}`, log: false });
  [web, browser] = await Promise.all([serveWebApp({ httpUrl: stack.httpUrl, wsUrl: stack.wsUrl }), launchChromium()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await web?.stop();
  await stack?.stop();
});

/** A person with their own browser profile; `name` is pre-set unless they pick it in the UI. */
async function person({ name, width = 1200, height = 800 }: { name?: string; width?: number; height?: number }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  if (name) await context.addInitScript((n) => window.localStorage.setItem("rooms.displayName", n), name);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  return page;
}

const status = (page: Page) => page.getByTestId("connection-status");
const confirmedTexts = (page: Page) => page.locator("[data-testid=messages] li.message:not(.pending) .message-text").allTextContents();
const todoTitles = (page: Page) => page.locator("[data-testid=todos] .todo-title").allTextContents();

async function send(page: Page, text: string) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.keyboard.press("Enter");
}

async function createRoomOverHttp(name: string): Promise<{ room: { roomId: string } }> {
  const response = await fetch(`${stack.httpUrl}/rooms`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  expect(response.status).toBe(201);
  return (await response.json()) as { room: { roomId: string } };
}

async function waitForTexts(page: Page, expected: string[]) {
  await expect.poll(() => confirmedTexts(page), { timeout: STEP_MS }).toEqual(expected);
}

describe("web app in Chromium against the local stack", () => {
  let ana: Page;
  let bo: Page;
  let roomUrl: string;
  let roomId: string;

  it("picks a name, creates a room from the rooms list and opens it", async () => {
    ana = await person({});
    await ana.goto(web.url);
    await ana.getByLabel("Your display name").fill("Ana");
    await ana.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => ana.evaluate(() => localStorage.getItem("rooms.displayName"))).toBe("Ana");

    // A few rooms so the list has something to show, newest first.
    for (const name of ["Book club", "Flat 3B chores"]) {
      await ana.getByLabel("New room").fill(name);
      await ana.getByRole("button", { name: "Create room" }).click();
      await ana.getByTestId("room-title").getByText(name).waitFor();
      await ana.getByRole("link", { name: "All rooms" }).click();
    }
    await ana.getByTestId("room-list").getByText("Flat 3B chores").waitFor();
    expect(await ana.locator("[data-testid=room-list] .room-name").allTextContents()).toEqual(["Flat 3B chores", "Book club"]);
    await ana.screenshot({ path: `${artifacts}rooms-list.png`, fullPage: true });

    await ana.getByLabel("New room").fill("Weekend trip");
    await ana.getByRole("button", { name: "Create room" }).click();
    await ana.getByTestId("room-title").getByText("Weekend trip").waitFor();
    await status(ana).getByText("Live").waitFor();
    roomUrl = ana.url();
    roomId = decodeURIComponent(roomUrl.split("/rooms/")[1] ?? "");
    expect(roomId).toMatch(/^[0-9A-Z]{26}$/);
  });

  it("two people in one room see each other's messages, presence and todo changes live", async () => {
    bo = await person({ name: "Bo" });
    await bo.goto(roomUrl);
    await status(bo).getByText("Live").waitFor();
    await ana.getByTestId("members").getByText("Bo").waitFor();
    await bo.getByTestId("members").getByText("Ana").waitFor();

    await send(ana, "Hi Bo! Train at 9?");
    await waitForTexts(bo, ["Hi Bo! Train at 9?"]);
    await send(bo, "Yes — and <b>bring snacks</b>");
    await waitForTexts(ana, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>"]);
    // Text is text: the markup arrives verbatim, no element is created from it.
    expect(await ana.locator("[data-testid=messages] b").count()).toBe(0);

    await ana.getByLabel("New todo").fill("Book train tickets");
    await ana.keyboard.press("Enter");
    await ana.getByLabel("New todo").fill("Pack sandwiches");
    await ana.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack sandwiches"]);

    await bo.getByLabel("Book train tickets", { exact: true }).check();
    await expect.poll(() => ana.getByLabel("Book train tickets", { exact: true }).isChecked()).toBe(true);

    await ana.getByRole("button", { name: "Edit “Pack sandwiches”" }).click();
    await ana.getByLabel("Todo title").fill("Pack sandwiches and fruit");
    await ana.keyboard.press("Enter");
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack sandwiches and fruit"]);

    await bo.getByLabel("New todo").fill("Water bottles");
    await bo.keyboard.press("Enter");
    await expect.poll(() => todoTitles(ana)).toEqual(["Book train tickets", "Pack sandwiches and fruit", "Water bottles"]);
    await bo.getByRole("button", { name: "Delete “Water bottles”" }).click();
    await expect.poll(() => todoTitles(ana)).toEqual(["Book train tickets", "Pack sandwiches and fruit"]);

    await send(ana, "Tickets are booked ✔");
    await waitForTexts(bo, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>", "Tickets are booked ✔"]);
    await ana.screenshot({ path: `${artifacts}room-desktop.png` });
  });

  it("a reload keeps the history, each message once", async () => {
    await bo.reload();
    await status(bo).getByText("Live").waitFor();
    await waitForTexts(bo, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>", "Tickets are booked ✔"]);
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack sandwiches and fruit"]);
  });

  it("after its socket is killed a page shows reconnecting, then catches up without duplicates", async () => {
    const before = await confirmedTexts(bo);
    // Keep Bo off the network so the gap is long enough to write into, then cut the live socket.
    await bo.context().setOffline(true);
    const killed = await disconnectMember({ ...stack, roomId, name: "Bo" });
    expect(killed).toBeGreaterThan(0);
    await status(bo).getByText("Reconnecting…").waitFor();

    await send(ana, "Sent while Bo was away 1");
    await send(ana, "Sent while Bo was away 2");
    await send(bo, "Bo wrote this offline");
    await bo.getByText("Waiting for connection…").waitFor();
    await bo.screenshot({ path: `${artifacts}room-reconnecting.png` });
    await waitForTexts(ana, [...before, "Sent while Bo was away 1", "Sent while Bo was away 2"]);

    await bo.context().setOffline(false);
    await status(bo).getByText("Live").waitFor({ timeout: 45_000 });
    const expected = [...before, "Sent while Bo was away 1", "Sent while Bo was away 2", "Bo wrote this offline"];
    await waitForTexts(bo, expected);
    await waitForTexts(ana, expected);
    expect(await bo.locator("li.message.pending").count()).toBe(0);
    const ids = await bo.locator("[data-testid=messages] li[data-message-id]").evaluateAll((items) => items.map((li) => li.getAttribute("data-message-id")));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("an edit that lost a version race shows the winning todo and a note, not an error", async () => {
    await ana.getByRole("button", { name: "Edit “Pack sandwiches and fruit”" }).click();
    // Bo renames it while Ana's editor is open, so Ana's save carries a version that is no longer current.
    await bo.getByRole("button", { name: "Edit “Pack sandwiches and fruit”" }).click();
    await bo.getByLabel("Todo title").fill("Pack lunch for two");
    await bo.keyboard.press("Enter");
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack lunch for two"]);

    await ana.getByLabel("Todo title").fill("Pack sandwiches only");
    await ana.keyboard.press("Enter");
    await ana.getByRole("status").getByText("was changed by someone else").waitFor();
    await expect.poll(() => todoTitles(ana)).toEqual(["Book train tickets", "Pack lunch for two"]);
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack lunch for two"]);
    await ana.screenshot({ path: `${artifacts}room-todo-conflict.png` });
  });

  it("works at phone width, one panel at a time", async () => {
    const phone = await person({ name: "Cleo", width: 390, height: 844 });
    await phone.goto(roomUrl);
    await status(phone).getByText("Live").waitFor();
    await phone.getByText("Tickets are booked ✔").waitFor();
    await phone.screenshot({ path: `${artifacts}room-phone-chat.png` });
    await phone.getByRole("button", { name: /^Todos/ }).click();
    await phone.getByLabel("Book train tickets", { exact: true }).waitFor();
    expect(await phone.getByLabel("Message", { exact: true }).isVisible()).toBe(false);
    await phone.screenshot({ path: `${artifacts}room-phone-todos.png` });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  });

  it("loads older history on demand and keeps the reader's place", async () => {
    const seeder = await person({ name: "Seeder" });
    await seeder.goto(web.url);
    const room = await createRoomOverHttp("Long history");
    // 60 messages through a raw socket, one after another so their order is known.
    await seeder.evaluate(
      async ({ wsUrl, roomId }) => {
        const ws = new WebSocket(`${wsUrl}?roomId=${roomId}&name=Seeder`);
        await new Promise((resolve) => (ws.onopen = resolve));
        for (let i = 1; i <= 60; i++) {
          const echoed = new Promise<void>((resolve) => {
            ws.onmessage = (event) => {
              const frame = JSON.parse(event.data as string) as { type: string; message?: { clientMessageId: string } };
              if (frame.type === "message" && frame.message?.clientMessageId === `seed-${i}`) resolve();
            };
          });
          ws.send(JSON.stringify({ action: "sendMessage", text: `History ${i}`, clientMessageId: `seed-${i}` }));
          await echoed;
        }
        ws.close();
      },
      { wsUrl: stack.wsUrl, roomId: room.room.roomId },
    );

    const reader = await person({ name: "Reader", width: 1000, height: 700 });
    await reader.goto(`${web.url}#/rooms/${room.room.roomId}`);
    await status(reader).getByText("Live").waitFor();
    const newest = Array.from({ length: 50 }, (_, i) => `History ${i + 11}`);
    await waitForTexts(reader, newest);
    // The newest message is in view at first.
    await expect.poll(() => reader.getByText("History 60", { exact: true }).isVisible()).toBe(true);

    await reader.getByTestId("messages").evaluate((el) => el.scrollTo({ top: 0 }));
    await waitForTexts(reader, Array.from({ length: 60 }, (_, i) => `History ${i + 1}`));
    await reader.getByText("This is the start of the room.").waitFor({ state: "attached" });
    // What was at the top before loading (History 11) is still where the reader was looking.
    const box = await reader.getByText("History 11", { exact: true }).boundingBox();
    const view = await reader.getByTestId("messages").boundingBox();
    expect(box && view && box.y >= view.y && box.y < view.y + view.height).toBe(true);
  });

  it("lists rooms newest first, a page at a time", async () => {
    for (let i = 1; i <= 22; i++) {
      await createRoomOverHttp(`Extra room ${i}`);
    }
    const visitor = await person({ name: "Visitor" });
    await visitor.goto(web.url);
    const names = () => visitor.locator("[data-testid=room-list] .room-name").allTextContents();
    await expect.poll(names).toHaveLength(20);
    expect((await names()).slice(0, 3)).toEqual(["Extra room 22", "Extra room 21", "Extra room 20"]);
    await visitor.getByRole("button", { name: "Load more rooms" }).click();
    const expected = [...Array.from({ length: 22 }, (_, i) => `Extra room ${22 - i}`), "Long history", "Weekend trip", "Flat 3B chores", "Book club"];
    await expect.poll(names).toEqual(expected);
    expect(await visitor.getByRole("button", { name: "Load more rooms" }).count()).toBe(0);
  });

  it("an unknown room says so in words", async () => {
    const page = await person({ name: "Dee" });
    await page.goto(`${web.url}#/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
    await page.getByRole("heading", { name: "Room not found" }).waitFor();
  });
});
