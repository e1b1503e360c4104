import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Limits } from "@rooms/core/limits";
import type { LocalStack } from "@rooms/local";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { RAISED_LIMITS } from "../../../../../test/support/raised-limits";
import { createRoom, createSession, type Session } from "../../../../../test/support/room-session";
import { startTestStack } from "../../../../../test/support/test-stack";
import { launchChromium } from "./chromium";
import { serveWebApp, type WebApp } from "./web-app";

export type { Session };

export const artifacts = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));
/** How long one step (a click's effect, a frame's arrival) may take. */
export const STEP_MS = 15_000;
/** Where the web app keeps its guest session (src/session/stored-session.ts). */
export const SESSION_KEY = "rooms.session";

export interface BrowserStack {
  stack: LocalStack;
  web: WebApp;
  browser: Browser;
  /** A new guest session over HTTP (POST /sessions), for setting up data without the UI. */
  signIn(name: string): Promise<Session>;
  /**
   * A person with their own browser profile. With `name`, already signed in (a guest session made over HTTP
   * and put where the app keeps it); without, the app asks for a name.
   */
  person(options?: {
    name?: string;
    width?: number;
    height?: number;
    clipboard?: boolean;
  }): Promise<{ page: Page; session: Session | null }>;
  stop(): Promise<void>;
}

/** The local stack (its own table), the production build of the app served against it, and Chromium. */
export async function startBrowserStack(
  tablePrefix: string,
  { limits = RAISED_LIMITS }: { limits?: Partial<Limits> } = {},
): Promise<BrowserStack> {
  await mkdir(artifacts, { recursive: true });
  const stack = await startTestStack(tablePrefix, { log: false, limits });
  const [web, browser] = await Promise.all([
    serveWebApp({ httpUrl: stack.httpUrl, wsUrl: stack.wsUrl }),
    launchChromium(),
  ]);
  const contexts: BrowserContext[] = [];
  const signIn = (name: string) => createSession(stack.httpUrl, name);

  return {
    stack,
    web,
    browser,
    signIn,
    async person({ name, width = 1200, height = 800, clipboard = false } = {}) {
      const context = await browser.newContext({ viewport: { width, height } });
      contexts.push(context);
      if (clipboard)
        await context.grantPermissions(["clipboard-read", "clipboard-write"], {
          origin: new URL(web.url).origin,
        });
      let session: Session | null = null;
      if (name) {
        session = await signIn(name);
        // Only when none is stored yet, so a reload keeps what the app itself stored since (a rename, say).
        await context.addInitScript(
          ([key, value]) => {
            if (!window.localStorage.getItem(key)) window.localStorage.setItem(key, value);
          },
          [SESSION_KEY, JSON.stringify(session)] as const,
        );
      }
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_MS);
      return { page, session };
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser?.close();
      await web?.stop();
      await stack?.stop();
    },
  };
}

// ---- reading the screens ------------------------------------------------------------------------------------

export const status = (page: Page) => page.getByTestId("connection-status");
export const confirmedTexts = (page: Page) =>
  page.locator("[data-testid=messages] li.message:not(.pending) .message-text").allTextContents();
/** The confirmed messages the page marks as the reader's own. */
export const ownTexts = (page: Page) =>
  page.locator("[data-testid=messages] li.message.mine:not(.pending) .message-text").allTextContents();
export const todoTitles = (page: Page) => page.locator("[data-testid=todos] .todo-title").allTextContents();
export const roomNames = (page: Page, list: "my-rooms" | "public-rooms") =>
  page.locator(`[data-testid=${list}] .room-name`).allTextContents();
export const memberNames = (page: Page) =>
  page.locator("[data-testid=members] .member-name").allTextContents();

/** Waits (one step at most) until the page's confirmed messages are exactly `expected`, in order. */
export async function waitForTexts(page: Page, expected: string[]) {
  await expect.poll(() => confirmedTexts(page), { timeout: STEP_MS }).toEqual(expected);
}

type Viewport = { width: number; height: number };

/**
 * A fresh public room that Ana owns (made over HTTP), with Ana and Bo in it live, each in their own browser
 * profile at the given size (desktop by default). Every test that needs people in a room makes its own, so each
 * passes alone (`vitest run -t`) as in the full run.
 */
export async function anaAndBoInARoom(
  app: BrowserStack,
  name: string,
  { ana: anaSize, bo: boSize }: { ana?: Viewport; bo?: Viewport } = {},
) {
  const { page: ana, session: anaSession } = await app.person({ name: "Ana", ...anaSize });
  const room = await createRoom(app.stack.httpUrl, anaSession as Session, { name });
  const roomUrl = `${app.web.url}#/rooms/${room.roomId}`;
  await ana.goto(roomUrl);
  await status(ana).getByText("Live").waitFor();
  const { page: bo, session: boSession } = await app.person({ name: "Bo", ...boSize });
  await bo.goto(roomUrl);
  await status(bo).getByText("Live").waitFor();
  return {
    ana,
    bo,
    roomUrl,
    roomId: room.roomId,
    anaSession: anaSession as Session,
    boSession: boSession as Session,
  };
}

export async function send(page: Page, text: string) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.keyboard.press("Enter");
}

export const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
