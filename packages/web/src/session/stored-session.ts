import type { SessionGrant } from "../network";

/** Where this browser keeps its guest session: `{token, user: {userId, name}, expiresAt}` as JSON. */
export const SESSION_KEY = "rooms.session";
/** v1 kept only a display name here; it now only pre-fills the name form, and goes once a session exists. */
export const LEGACY_NAME_KEY = "rooms.displayName";

/** A token this close to expiring is dropped rather than used: a request would likely fail half-way. */
const EXPIRY_MARGIN_MS = 60_000;

/** The stored session if it is well formed and not (about to be) expired; anything else counts as none. */
export function parseStoredSession(text: string | null, now: number): SessionGrant | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const { token, user, expiresAt } = value as Partial<SessionGrant>;
  if (typeof token !== "string" || !token || typeof expiresAt !== "string") return null;
  if (!user || typeof user.userId !== "string" || !user.userId || typeof user.name !== "string") return null;
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires) || expires - EXPIRY_MARGIN_MS <= now) return null;
  return { token, user: { userId: user.userId, name: user.name }, expiresAt };
}

/** What a display name looks like to the server: NFKC-normalised and trimmed; its length in code points. */
export function normaliseDisplayName(raw: string): { name: string; length: number } {
  const name = raw.normalize("NFKC").trim();
  return { name, length: [...name].length };
}
