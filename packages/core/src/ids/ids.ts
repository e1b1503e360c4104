import { monotonicFactory } from "ulid";
import * as z from "zod/mini";
import "../errors/english-messages";
import { ID_PATTERN } from "../id-format";

/**
 * Ids are ULIDs: 26 Crockford base32 characters whose lexical order is creation order. Room ids order the
 * room list, message ids order history, so a cursor is simply the last id a page held.
 */
export const idSchema = z.string().check(z.regex(ID_PATTERN, "must be an id issued by the server"));

const monotonic = monotonicFactory();

/** A new id that sorts after every id this process issued before. */
export function newId(now: number = Date.now()): string {
  return monotonic(now);
}
