import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anaAndBoInARoom,
  artifacts,
  type BrowserStack,
  horizontalOverflow,
  startBrowserStack,
  status,
  todoTitles,
} from "./support/browser-stack";

let app: BrowserStack;

beforeAll(async () => {
  app = await startBrowserStack("web-todo-organising");
});

afterAll(async () => {
  await app?.stop();
});

const todoRow = (page: Page, title: string) =>
  page.locator("[data-testid=todos] li.todo", { has: page.getByLabel(title, { exact: true }) });

/** The todos on a page in order: each one's title, or what its open editor holds. */
const shownTodos = (page: Page) =>
  page
    .locator("[data-testid=todos] li.todo")
    .evaluateAll((items) =>
      items.map(
        (item) =>
          item.querySelector(".todo-title")?.textContent ??
          item.querySelector<HTMLInputElement>("input:not([type=checkbox])")?.value,
      ),
    );

/** Drags the todo `title` by its handle with the mouse (pointer events) to `y`, in small steps as a hand would. */
async function dragTodoTo(page: Page, title: string, y: number) {
  const handle = await todoRow(page, title).locator(".drag-handle").boundingBox();
  if (!handle) throw new Error(`no drag handle on “${title}”`);
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2, y, { steps: 8 });
  await page.mouse.up();
}

describe("organising a shared todo list: order and assignees", () => {
  it("A (at phone width) drags a todo to the top and assigns one to B; B filters “Assigned to me”; a reload keeps it", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Allotment", { ana: { width: 390, height: 844 } });
    await ana.getByRole("button", { name: /^Todos/ }).click();

    // Added in quick succession, without waiting for each to show: they land in the order typed.
    for (const title of ["Tickets", "Snacks", "Maps"]) {
      await ana.getByLabel("New todo").fill(title);
      await ana.keyboard.press("Enter");
    }
    await expect.poll(() => todoTitles(bo)).toEqual(["Tickets", "Snacks", "Maps"]);
    await expect.poll(() => todoTitles(ana)).toEqual(["Tickets", "Snacks", "Maps"]);

    const top = await todoRow(ana, "Tickets").boundingBox();
    if (!top) throw new Error("no first todo");
    await dragTodoTo(ana, "Maps", top.y + 2);
    await expect.poll(() => todoTitles(bo)).toEqual(["Maps", "Tickets", "Snacks"]);
    await expect.poll(() => todoTitles(ana)).toEqual(["Maps", "Tickets", "Snacks"]);
    expect(await horizontalOverflow(ana)).toBe(0);

    // Bo shows up in Ana's picker once the member list has him.
    const picker = ana.getByLabel("Assignee of “Tickets”");
    await picker.locator("option", { hasText: /^Bo$/ }).waitFor({ state: "attached" });
    await picker.selectOption({ label: "Bo" });
    await todoRow(ana, "Tickets").getByRole("img", { name: "Assigned to Bo" }).waitFor();
    await ana.screenshot({ path: `${artifacts}todos-organised-phone.png` });
    await todoRow(bo, "Tickets").getByRole("img", { name: "Assigned to Bo" }).waitFor();
    expect(await bo.getByRole("img", { name: /^Assigned to/ }).count()).toBe(1);

    // The filter, from the keyboard.
    const mine = bo.getByRole("button", { name: "Assigned to me" });
    expect(await mine.getAttribute("aria-pressed")).toBe("false");
    await mine.focus();
    await bo.keyboard.press("Space");
    expect(await mine.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => todoTitles(bo)).toEqual(["Tickets"]);
    await bo.screenshot({ path: `${artifacts}todos-assigned-to-me.png` });
    await bo.keyboard.press("Enter");
    await expect.poll(() => todoTitles(bo)).toEqual(["Maps", "Tickets", "Snacks"]);

    await bo.reload();
    await status(bo).getByText("Live").waitFor();
    await expect.poll(() => todoTitles(bo)).toEqual(["Maps", "Tickets", "Snacks"]);
    await todoRow(bo, "Tickets").getByRole("img", { name: "Assigned to Bo" }).waitFor();
    await bo.getByRole("button", { name: "Assigned to me" }).click();
    await expect.poll(() => todoTitles(bo)).toEqual(["Tickets"]);
  });

  it("an open todo editor keeps its draft and the focus while someone else reorders the list", async () => {
    const { ana, bo } = await anaAndBoInARoom(app, "Reorder while editing");
    for (const title of ["Tickets", "Snacks", "Maps"]) {
      await ana.getByLabel("New todo").fill(title);
      await ana.keyboard.press("Enter");
    }
    await expect.poll(() => todoTitles(bo)).toEqual(["Tickets", "Snacks", "Maps"]);
    await ana.getByRole("button", { name: "Edit “Tickets”" }).click();
    const editor = ana.getByLabel("Todo title");
    await editor.fill("Train tickets");
    await expect.poll(() => editor.evaluate((input) => input === document.activeElement)).toBe(true);

    // Bo moves another todo above the one Ana is editing: her row moves down with her draft and her caret.
    await bo.getByLabel("Snacks", { exact: true }).focus();
    await bo.keyboard.press("Alt+ArrowUp");
    await expect.poll(() => shownTodos(ana)).toEqual(["Snacks", "Train tickets", "Maps"]);
    expect(await editor.evaluate((input) => input === document.activeElement)).toBe(true);
    await ana.keyboard.type(" x2");
    await ana.keyboard.press("Enter");
    await expect.poll(() => todoTitles(bo)).toEqual(["Snacks", "Train tickets x2", "Maps"]);
  });
});
