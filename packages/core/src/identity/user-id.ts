import * as z from "zod/mini";
import "../errors/english-messages";
import { ID_PATTERN } from "../id-format";

/**
 * A userId is a guest ULID or an OIDC `sub`; anything else cannot be a key or a path segment safely. In a module
 * of its own (not tokens.ts) so that schemas using it do not bring jose into handlers that verify no tokens.
 */
export const userIdSchema = z.string().check(
  z.regex(/^[\w.:@|+-]{1,128}$/, "must be a user id"),
  z.refine((id: string) => id !== "me", "must be a user id (`me` is reserved)"),
);

/**
 * Whether a userId is shaped like a guest's (a ULID this stage issued). Every other userId is an OIDC user's:
 * an OIDC token whose `sub` has this shape is refused, so no token of the issuer can name a guest.
 */
export const isGuestUserId = (userId: string) => ID_PATTERN.test(userId);
