import { ValidationError } from "../errors";
import { clientActions } from "../protocol/constants";

const shown = (value: string) => (value.length > 64 ? `${value.slice(0, 64)}…` : value);

/**
 * What `$default` gets: a JSON frame whose `action` matches no route (non-JSON never gets here; the body
 * parser refuses it first). Always throws, so the sender gets a bad_request error frame.
 */
export function refuseUnknownFrame(body: unknown): never {
  const action = (body as { action?: unknown } | null)?.action;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ValidationError(
      `A frame must be a JSON object with an "action" (one of ${clientActions.join(", ")})`,
    );
  }
  if (typeof action !== "string") {
    throw new ValidationError(`Frame has no "action"; expected one of ${clientActions.join(", ")}`, [
      { path: ["action"], message: "required" },
    ]);
  }
  throw new ValidationError(
    `Unknown action "${shown(action)}"; expected one of ${clientActions.join(", ")}`,
    [{ path: ["action"], message: `unknown action "${shown(action)}"` }],
  );
}
