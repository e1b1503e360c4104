import * as z from "zod/mini";
import "../errors/english-messages";
import { parseInput } from "../errors/parse-input";
import { newId } from "../ids/ids";
import type { User } from "../protocol/shapes";
import { displayName } from "./display-name";
import type { Identity } from "./tokens";

export const sessionInput = z.object({ name: displayName });

/**
 * `POST /sessions`: a new guest (fresh userId), or, for a caller who is already signed in, the same userId
 * under the new name. Either way a fresh 30-day token; earlier tokens stay valid until they expire.
 */
export async function startSession(
  identity: Identity,
  {
    input,
    caller,
    now = new Date(),
  }: { input: z.input<typeof sessionInput>; caller?: User | null; now?: Date },
) {
  const { name } = parseInput(sessionInput, input);
  const user: User = { userId: caller?.userId ?? newId(now.getTime()), name };
  const { token, expiresAt } = await identity.issue(user, now);
  return { token, user, expiresAt };
}
