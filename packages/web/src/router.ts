import { createSignal, type Accessor } from "solid-js";

/** The screens, read from the URL hash (`#/` and `#/rooms/<roomId>`), so any static host can serve the app. */
export type Route = { page: "rooms" } | { page: "room"; roomId: string } | { page: "not-found" };

const ROOM_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/rooms") return { page: "rooms" };
  const match = /^\/rooms\/([^/]+)$/.exec(path);
  if (match && ROOM_ID.test(decodeURIComponent(match[1] as string))) return { page: "room", roomId: decodeURIComponent(match[1] as string) };
  return { page: "not-found" };
}

export const roomsHref = "#/";
export const roomHref = (roomId: string) => `#/rooms/${encodeURIComponent(roomId)}`;

/** Finds a room id in whatever was pasted: a full link, a hash, or the bare id. */
export function roomIdFromLink(text: string): string | null {
  const candidate = text.trim().split(/[/#?]/).filter(Boolean).at(-1)?.toUpperCase() ?? "";
  return ROOM_ID.test(candidate) ? candidate : null;
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, "");
}

/** The current route, following hash changes (back/forward, links, `navigate`). */
export function createRoute(): Accessor<Route> {
  const [route, setRoute] = createSignal(parseRoute(window.location.hash));
  window.addEventListener("hashchange", () => setRoute(parseRoute(window.location.hash)));
  return route;
}
