import { z } from "zod";

/**
 * A userId is a guest ULID or an OIDC `sub`; anything else cannot be a key or a path segment safely. In a module
 * of its own (not tokens.ts) so that schemas using it do not bring jose into handlers that verify no tokens.
 */
export const userIdSchema = z
  .string()
  .regex(/^[\w.:@|+-]{1,128}$/, "must be a user id")
  .refine((id) => id !== "me", "must be a user id (`me` is reserved)");
