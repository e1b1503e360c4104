import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createRoom, joinUrl } from "../../../../test/support/room-session";
import {
  anaAndBoInARoom,
  artifacts,
  type BrowserStack,
  confirmedTexts,
  horizontalOverflow,
  roomNames,
  SESSION_KEY,
  type Session,
  send,
  startBrowserStack,
  status,
  todoTitles,
  waitForTexts,
} from "./support/browser-stack";
import { disconnectMember } from "./support/room-connections";

let app: BrowserStack;
/** Makes rooms and messages over HTTP and raw sockets, outside any browser. */
let seeder: Session;

beforeAll(async () => {
  app = await startBrowserStack("web-browser");
  seeder = await app.signIn("Seeder");
});

afterAll(async () => {
  await app?.stop();
});

const storedSession = (page: Page) =>
  page.evaluate(
    (key) =>
      JSON.parse(localStorage.getItem(key) ?? "null") as {
        token: string;
        user: { userId: string; name: string };
      } | null,
    SESSION_KEY,
  );

/** Every public room's name, newest first, over HTTP (GET /rooms, page after page). */
async function publicRoomNames(): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const response = await fetch(`${app.stack.httpUrl}/rooms?limit=100${query}`, { headers: bearer(seeder) });
    const page = (await response.json()) as { rooms: { name: string }[]; cursor: string | null };
    names.push(...page.rooms.map((room) => room.name));
    cursor = page.cursor;
  } while (cursor);
  return names;
}

async function addTodo(page: Page, title: string) {
  await page.getByLabel("New todo").fill(title);
  await page.keyboard.press("Enter");
  await page.getByLabel(title, { exact: true }).waitFor();
}

describe("web app in Chromium against the local stack", () => {
  it("picks a name (a guest session), creates rooms from the rooms list and opens one", async () => {
    const { page: ana } = await app.person({});
    await ana.goto(app.web.url);
    await ana.getByLabel("Your display name").fill("  Ana ");
    await ana.getByRole("button", { name: "Continue" }).click();
    await ana.getByTestId("my-name").getByText("Ana").waitFor();
    const stored = await storedSession(ana);
    expect(stored?.user.name).toBe("Ana");
    expect(stored?.user.userId).toBeTruthy();
    expect(stored?.token).toBeTruthy();
    expect(await ana.evaluate(() => localStorage.getItem("rooms.displayName"))).toBeNull();

    // A few rooms so the lists have something to show, newest first. Public is the default.
    for (const name of ["Book club", "Flat 3B chores"]) {
      await ana.getByLabel("New room").fill(name);
      await ana.getByRole("button", { name: "Create room" }).click();
      await ana.getByTestId("room-title").getByText(name).waitFor();
      await ana.getByRole("link", { name: "All rooms" }).click();
    }
    await ana.getByTestId("public-rooms").getByText("Flat 3B chores").waitFor();
    expect(await roomNames(ana, "public-rooms")).toEqual(["Flat 3B chores", "Book club"]);
    await expect.poll(() => roomNames(ana, "my-rooms")).toEqual(["Flat 3B chores", "Book club"]);
    expect(await ana.getByTestId("my-rooms").getByText("Owner").count()).toBe(2);
    await ana.screenshot({ path: `${artifacts}rooms-list.png`, fullPage: true });

    await ana.getByLabel("New room").fill("Weekend trip");
    await ana.getByRole("button", { name: "Create room" }).click();
    await ana.getByTestId("room-title").getByText("Weekend trip").waitFor();
    await status(ana).getByText("Live").waitFor();
    expect(decodeURIComponent(ana.url().split("/rooms/")[1] ?? "")).toMatch(/^[0-9A-Z]{26}$/);
  });

  it("two people in one room see each other's messages, presence and todo changes live", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Weekend trip");
    await ana.getByTestId("members").getByText("Bo").waitFor();
    await bo.getByTestId("members").getByText("Ana").waitFor();
    // The owner is marked for everyone.
    await bo.locator("[data-testid=members] li", { hasText: "Ana" }).getByText("Owner").waitFor();

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
    await expect
      .poll(() => todoTitles(ana))
      .toEqual(["Book train tickets", "Pack sandwiches and fruit", "Water bottles"]);
    await bo.getByRole("button", { name: "Delete “Water bottles”" }).click();
    await expect.poll(() => todoTitles(ana)).toEqual(["Book train tickets", "Pack sandwiches and fruit"]);

    await send(ana, "Tickets are booked ✔");
    await waitForTexts(bo, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>", "Tickets are booked ✔"]);
    await ana.screenshot({ path: `${artifacts}room-desktop.png` });
  });

  it("a reload keeps the session and the history, each message once", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Reload");
    // A conversation: each answers what they saw. Sends from two people at once are stored in whichever order
    // the server takes them, so the expected order below needs each message seen before the next is sent.
    await send(ana, "Hi Bo! Train at 9?");
    await waitForTexts(bo, ["Hi Bo! Train at 9?"]);
    await send(bo, "Yes — and <b>bring snacks</b>");
    await waitForTexts(ana, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>"]);
    await send(ana, "Tickets are booked ✔");
    await addTodo(ana, "Book train tickets");
    await addTodo(ana, "Pack sandwiches and fruit");
    await waitForTexts(bo, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>", "Tickets are booked ✔"]);
    const before = await storedSession(bo);
    await bo.reload();
    await status(bo).getByText("Live").waitFor();
    await waitForTexts(bo, ["Hi Bo! Train at 9?", "Yes — and <b>bring snacks</b>", "Tickets are booked ✔"]);
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack sandwiches and fruit"]);
    expect((await storedSession(bo))?.user).toEqual(before?.user);
  });

  it("after its socket is killed a page shows reconnecting, then catches up without duplicates", async () => {
    const { ana, bo, roomId } = await anaAndBoInARoom(app, "Flaky network");
    await send(ana, "Before the drop");
    await waitForTexts(bo, ["Before the drop"]);
    const before = await confirmedTexts(bo);
    // Keep Bo off the network so the gap is long enough to write into, then cut the live socket.
    await bo.context().setOffline(true);
    const killed = await disconnectMember({ ...app.stack, roomId, name: "Bo" });
    expect(killed).toBeGreaterThan(0);
    await status(bo).getByText("Reconnecting…").waitFor();

    // One after the other (two frames sent at once may be stored in either order).
    await send(ana, "Sent while Bo was away 1");
    await waitForTexts(ana, [...before, "Sent while Bo was away 1"]);
    await send(ana, "Sent while Bo was away 2");
    await send(bo, "Bo wrote this offline");
    await bo.getByText("Waiting for connection…").waitFor();
    await bo.screenshot({ path: `${artifacts}room-reconnecting.png` });
    await waitForTexts(ana, [...before, "Sent while Bo was away 1", "Sent while Bo was away 2"]);

    await bo.context().setOffline(false);
    await status(bo).getByText("Live").waitFor({ timeout: 45_000 });
    const expected = [
      ...before,
      "Sent while Bo was away 1",
      "Sent while Bo was away 2",
      "Bo wrote this offline",
    ];
    await waitForTexts(bo, expected);
    await waitForTexts(ana, expected);
    expect(await bo.locator("li.message.pending").count()).toBe(0);
    const ids = await bo
      .locator("[data-testid=messages] li[data-message-id]")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-message-id")));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("an edit that lost a version race shows the winning todo and a note, not an error", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Race");
    await addTodo(ana, "Book train tickets");
    await addTodo(ana, "Pack sandwiches and fruit");
    await expect.poll(() => todoTitles(bo)).toEqual(["Book train tickets", "Pack sandwiches and fruit"]);
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

  it("Alt+ArrowDown and Alt+ArrowUp move a todo for everyone, and the focus stays on it", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Ordering");
    for (const title of ["Tickets", "Snacks", "Maps"]) await addTodo(ana, title);
    await expect.poll(() => todoTitles(bo)).toEqual(["Tickets", "Snacks", "Maps"]);
    const tickets = ana.getByLabel("Tickets", { exact: true });
    await tickets.focus();
    await ana.keyboard.press("Alt+ArrowDown");
    await expect.poll(() => todoTitles(ana)).toEqual(["Snacks", "Tickets", "Maps"]);
    await expect.poll(() => todoTitles(bo)).toEqual(["Snacks", "Tickets", "Maps"]);
    await expect.poll(() => tickets.evaluate((el) => el === document.activeElement)).toBe(true);
    await ana.keyboard.press("Alt+ArrowDown");
    await expect.poll(() => todoTitles(ana)).toEqual(["Snacks", "Maps", "Tickets"]);
    // Two presses in a row move it two places (the second waits for the first to land).
    await ana.keyboard.press("Alt+ArrowUp");
    await ana.keyboard.press("Alt+ArrowUp");
    await expect.poll(() => todoTitles(bo)).toEqual(["Tickets", "Snacks", "Maps"]);
    await expect.poll(() => tickets.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("works at phone width, one panel at a time", async () => {
    const room = await createRoom(app.stack.httpUrl, seeder, { name: "Phone trip" });
    const { page: phone } = await app.person({ name: "Cleo", width: 390, height: 844 });
    await phone.goto(`${app.web.url}#/rooms/${room.roomId}`);
    await status(phone).getByText("Live").waitFor();
    await send(phone, "Tickets are booked ✔");
    await phone.locator("li.message:not(.pending)").getByText("Tickets are booked ✔").waitFor();
    await phone.getByRole("button", { name: /^Todos/ }).click();
    await addTodo(phone, "Book train tickets");
    await phone.getByRole("button", { name: /^Chat/ }).click();
    await phone.screenshot({ path: `${artifacts}room-phone-chat.png` });
    await phone.getByRole("button", { name: /^Todos/ }).click();
    await phone.getByLabel("Book train tickets", { exact: true }).waitFor();
    expect(await phone.getByLabel("Message", { exact: true }).isVisible()).toBe(false);
    await phone.screenshot({ path: `${artifacts}room-phone-todos.png` });
    expect(await horizontalOverflow(phone)).toBe(0);
    await phone.getByRole("button", { name: /^People/ }).click();
    await phone.getByRole("button", { name: "Leave room" }).waitFor();
    expect(await horizontalOverflow(phone)).toBe(0);

    await phone.goto(app.web.url);
    await phone.getByTestId("public-rooms").getByText("Phone trip").waitFor();
    await phone.screenshot({ path: `${artifacts}rooms-phone.png`, fullPage: true });
    expect(await horizontalOverflow(phone)).toBe(0);
  });

  it("loads older history on demand and keeps the reader's place", async () => {
    const room = await createRoom(app.stack.httpUrl, seeder, { name: "Long history" });
    const { page: writer } = await app.person({});
    await writer.goto(app.web.url);
    // 60 messages through a raw socket (the seeder's ticket), one after another so their order is known.
    await writer.evaluate(
      async ({ url }) => {
        const ws = new WebSocket(url);
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onclose = reject;
        });
        for (let i = 1; i <= 60; i++) {
          const echoed = new Promise<void>((resolve) => {
            ws.onmessage = (event) => {
              const frame = JSON.parse(event.data as string) as {
                type: string;
                message?: { clientMessageId: string };
              };
              if (frame.type === "message" && frame.message?.clientMessageId === `seed-${i}`) resolve();
            };
          });
          ws.send(
            JSON.stringify({ action: "sendMessage", text: `History ${i}`, clientMessageId: `seed-${i}` }),
          );
          await echoed;
        }
        ws.close();
      },
      { url: await joinUrl(app.stack, seeder, room.roomId) },
    );

    const { page: reader } = await app.person({ name: "Reader", width: 1000, height: 700 });
    await reader.goto(`${app.web.url}#/rooms/${room.roomId}`);
    await status(reader).getByText("Live").waitFor();
    const newest = Array.from({ length: 50 }, (_, i) => `History ${i + 11}`);
    await waitForTexts(reader, newest);
    // The newest message is in view at first.
    await expect.poll(() => reader.getByText("History 60", { exact: true }).isVisible()).toBe(true);

    await reader.getByTestId("messages").evaluate((el) => el.scrollTo({ top: 0 }));
    await waitForTexts(
      reader,
      Array.from({ length: 60 }, (_, i) => `History ${i + 1}`),
    );
    await reader.getByText("This is the start of the room.").waitFor({ state: "attached" });
    // What was at the top before loading (History 11) is still where the reader was looking.
    const box = await reader.getByText("History 11", { exact: true }).boundingBox();
    const view = await reader.getByTestId("messages").boundingBox();
    expect(box && view && box.y >= view.y && box.y < view.y + view.height).toBe(true);
  });

  it("lists public rooms newest first, a page at a time", async () => {
    // Whatever public rooms other tests made before (none when this test runs alone) follow the new ones.
    const earlier = await publicRoomNames();
    for (let i = 1; i <= 22; i++) {
      await createRoom(app.stack.httpUrl, seeder, { name: `Extra room ${i}` });
    }
    const { page: visitor } = await app.person({ name: "Visitor" });
    await visitor.goto(app.web.url);
    const names = () => roomNames(visitor, "public-rooms");
    await expect.poll(names).toHaveLength(20);
    expect((await names()).slice(0, 3)).toEqual(["Extra room 22", "Extra room 21", "Extra room 20"]);
    await visitor
      .getByRole("region", { name: "Public rooms" })
      .getByRole("button", { name: "Load more rooms" })
      .click();
    // Pages are 20: with the earlier rooms (fewer than 18) the rest fits the second page.
    expect(earlier.length).toBeLessThan(18);
    const expected = [...Array.from({ length: 22 }, (_, i) => `Extra room ${22 - i}`), ...earlier];
    await expect.poll(names).toEqual(expected);
    expect(await visitor.getByRole("button", { name: "Load more rooms" }).count()).toBe(0);
    // None of them is the visitor's.
    await visitor.getByText("Rooms you create or join show up here.").waitFor();
  });

  it("renaming keeps the same user: a fresh token, the new name on new messages", async () => {
    const { page: ana, session } = await app.person({ name: "Ana" });
    const owned = await Promise.all(
      ["Rename 1", "Rename 2", "Rename 3"].map((name) =>
        createRoom(app.stack.httpUrl, session as Session, { name }),
      ),
    );
    const roomUrl = `${app.web.url}#/rooms/${owned[0]?.roomId}`;
    await ana.goto(roomUrl);
    await status(ana).getByText("Live").waitFor();
    await send(ana, "Hi Bo! Train at 9?");
    await ana.locator("li.message.mine:not(.pending)").first().waitFor();
    await ana.goto(app.web.url);
    const before = await storedSession(ana);
    await ana.getByRole("button", { name: "Change name" }).click();
    await ana.getByLabel("Your display name").fill("Ana B.");
    await ana.getByRole("button", { name: "Save name" }).click();
    await ana.getByTestId("my-name").getByText("Ana B.").waitFor();
    const after = await storedSession(ana);
    expect(after?.user).toEqual({ userId: before?.user.userId, name: "Ana B." });
    expect(after?.token).not.toBe(before?.token);
    // Still the owner of her rooms, and her earlier messages are still hers.
    await expect.poll(() => ana.getByTestId("my-rooms").getByText("Owner").count()).toBe(3);
    await ana.goto(roomUrl);
    await status(ana).getByText("Live").waitFor();
    await send(ana, "Now with a new name");
    await expect
      .poll(() => ana.locator("li.message.mine:not(.pending) .message-author").allTextContents())
      .toContain("Ana B. (you)");
    expect(
      await ana.locator("li.message.mine:not(.pending)", { hasText: "Hi Bo! Train at 9?" }).count(),
    ).toBe(1);
  });

  it("a refused token (401) is dropped and the name form comes back", async () => {
    const { page } = await app.person({});
    await page.addInitScript(
      ([key]) => {
        if (!window.localStorage.getItem(key))
          window.localStorage.setItem(
            key,
            JSON.stringify({
              token: "forged.token.value",
              user: { userId: "nobody", name: "Mallory" },
              expiresAt: "2099-01-01T00:00:00.000Z",
            }),
          );
      },
      [SESSION_KEY] as const,
    );
    await page.goto(app.web.url);
    await page.getByText("Your session has ended.").waitFor();
    await page.getByLabel("Your display name").waitFor();
    expect(await storedSession(page)).toBeNull();
  });

  it("an unknown room says so in words", async () => {
    const { page } = await app.person({ name: "Dee" });
    await page.goto(`${app.web.url}#/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
    await page.getByRole("heading", { name: "Room not found" }).waitFor();
  });
});
