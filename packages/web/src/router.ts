import { ID_PATTERN as ROOM_ID } from "@rooms/core/id-format";
import { type Accessor, createSignal } from "solid-js";

/**
 * The screens, read from the URL hash (`#/`, `#/rooms/<roomId>`, `#/invite/<code>`), so any static host can
 * serve the app.
 */
export type Route =
  | { page: "rooms" }
  | { page: "room"; roomId: string }
  | { page: "invite"; code: string }
  | { page: "not-found" };

/** Invite codes are opaque to the client; this only keeps out what could not be one. */
const INVITE_CODE = /^[\w-]{1,200}$/;

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return "";
  }
};

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/rooms") return { page: "rooms" };
  const room = /^\/rooms\/([^/]+)$/.exec(path);
  if (room && ROOM_ID.test(decode(room[1] as string)))
    return { page: "room", roomId: decode(room[1] as string) };
  const invite = /^\/invite\/([^/]+)$/.exec(path);
  if (invite && INVITE_CODE.test(decode(invite[1] as string)))
    return { page: "invite", code: decode(invite[1] as string) };
  return { page: "not-found" };
}

export const roomsHref = "#/";
export const roomHref = (roomId: string) => `#/rooms/${encodeURIComponent(roomId)}`;
export const inviteHref = (code: string) => `#/invite/${encodeURIComponent(code)}`;

/** A full address for sharing: this app's origin and path with `href` as the hash. */
export const absoluteLink = (
  href: string,
  location: { origin: string; pathname: string } = window.location,
) => `${location.origin}${location.pathname}${href}`;

/** Where a pasted link (or bare room id) leads: an invite or a room; null when it is neither. */
export function hrefFromLink(text: string): string | null {
  const trimmed = text.trim();
  const hash = trimmed.includes("#") ? trimmed.slice(trimmed.indexOf("#")) : null;
  if (hash) {
    const route = parseRoute(hash);
    if (route.page === "invite") return inviteHref(route.code);
    if (route.page === "room") return roomHref(route.roomId);
  }
  const roomId = roomIdFromLink(trimmed);
  return roomId ? roomHref(roomId) : null;
}

/** Finds a room id in whatever was pasted: a full link, a hash, or the bare id. */
export function roomIdFromLink(text: string): string | null {
  const candidate = text.trim().split(/[/#?]/).filter(Boolean).at(-1)?.toUpperCase() ?? "";
  return ROOM_ID.test(candidate) ? candidate : null;
}

/** Goes to `href`; `replace` swaps the current history entry (an invite link should not be revisited by Back). */
export function navigate(href: string, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) window.location.replace(href.startsWith("#") ? href : `#${href}`);
  else window.location.hash = href.replace(/^#/, "");
}

/** The current route, following hash changes (back/forward, links, `navigate`). */
export function createRoute(): Accessor<Route> {
  const [route, setRoute] = createSignal(parseRoute(window.location.hash));
  window.addEventListener("hashchange", () => setRoute(parseRoute(window.location.hash)));
  return route;
}
