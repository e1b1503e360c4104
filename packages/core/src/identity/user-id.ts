import * as z from "zod/mini";
import "../errors/english-messages";

/**
 * A userId is a guest ULID or an OIDC `sub`; anything else cannot be a key or a path segment safely. In a module
 * of its own (not tokens.ts) so that schemas using it do not bring jose into handlers that verify no tokens.
 */
export const userIdSchema = z.string().check(
  z.regex(/^[\w.:@|+-]{1,128}$/, "must be a user id"),
  z.refine((id: string) => id !== "me", "must be a user id (`me` is reserved)"),
);
