import { createDb } from "@rooms/core/db";
import { defaultLimits } from "@rooms/core/limits";
import { Todo } from "@rooms/core/todo";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoom } from "../../../../test/support/room-session";
import { type BrowserStack, STEP_MS, startBrowserStack, status, todoTitles } from "./support/browser-stack";

let app: BrowserStack;

beforeAll(async () => {
  app = await startBrowserStack("web-todo-cap");
});

afterAll(async () => {
  await app?.stop();
});

describe("a room at its todo cap (Chromium)", () => {
  it("syncs and renders every todo, though its snapshot is far over one frame's 128 KB", async () => {
    const owner = await app.signIn("Owner");
    const room = await createRoom(app.stack.httpUrl, owner, { name: "Full list" });
    // The room's whole cap of todos, each with the longest title allowed: about 500 x 200 characters of titles
    // alone, several times what one frame to a client may carry. Seeded through core, not the UI, for speed.
    const db = createDb({
      client: localDynamoClient(app.stack.dynamodbEndpoint),
      table: app.stack.tableName,
    });
    const cap = defaultLimits.todosPerRoom;
    const titles: string[] = [];
    for (let i = 0; i < cap; i++) {
      const title = `${String(i + 1).padStart(3, "0")} ${"long todo title ".repeat(20)}`.slice(0, 200).trim();
      await Todo.add(db, { roomId: room.roomId, userId: owner.user.userId, title });
      titles.push(title);
    }

    const { page } = await app.person({ name: "Reader" });
    await page.goto(`${app.web.url}#/rooms/${room.roomId}`);
    await status(page).getByText("Live").waitFor({ timeout: STEP_MS });
    await expect.poll(() => todoTitles(page), { timeout: STEP_MS }).toEqual(titles);
    // A refusal would have shown as an alert; the page stays live instead of reconnecting.
    expect(await page.getByRole("alert").count()).toBe(0);
    await status(page).getByText("Live").waitFor();
  });
});
