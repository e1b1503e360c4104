import { newId } from "../../src/ids";
import type { User } from "../../src/protocol";

/** A signed-in user as a token would name them: a fresh guest userId and a display name. */
export const newUser = (name: string): User => ({ userId: newId(), name });
