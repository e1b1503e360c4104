import type { MiddlewareObj } from "@middy/core";
import { NotFoundError, parseInput, ValidationError } from "@rooms/core/errors";
import type { $ZodType, output } from "zod/v4/core";

/** An event after validateInput: `input` is the schema's output. */
export type WithInput<E, S extends $ZodType> = E & { input: output<S> };

export interface ValidateInputOptions<E, S extends $ZodType> {
  /** A core schema: the very one the core function parses with. */
  schema: S;
  /** Where the raw input sits in the event. */
  from: (event: E) => unknown;
  /** Names the input in error messages ("query", "sendMessage frame"). */
  what?: string;
  /**
   * Keys that address a resource (a room id in a path or a connect URL): an invalid value there names
   * nothing, so it is a 404 like an unknown one, not a 400.
   */
  notFoundIfInvalid?: (event: E) => readonly string[];
}

const defaults = { what: "input", notFoundIfInvalid: () => [] as readonly string[] };

/** Parses one part of the event with a core zod schema into `event.input`; failure is a ValidationError (400). */
export function validateInput<E extends object, S extends $ZodType>(
  opts: ValidateInputOptions<E, S>,
): MiddlewareObj<E> {
  const options = { ...defaults, ...opts };

  const validateInputBefore: MiddlewareObj<E>["before"] = ({ event }) => {
    const raw = options.from(event);
    try {
      (event as WithInput<E, S>).input = parseInput(options.schema, raw, options.what);
    } catch (error) {
      throw asNotFound(error, raw, options.notFoundIfInvalid(event)) ?? error;
    }
  };

  return { before: validateInputBefore };
}

function asNotFound(error: unknown, raw: unknown, keys: readonly string[]): NotFoundError | undefined {
  if (!(error instanceof ValidationError)) return undefined;
  const key = keys.find((k) => error.issues.some((issue) => issue.path[0] === k));
  const value = key === undefined ? undefined : (raw as Record<string, unknown> | undefined)?.[key];
  // A missing key is a malformed request; a present but impossible one names nothing.
  if (key === undefined || typeof value !== "string" || value === "") return undefined;
  const noun = key.replace(/Id$/, "");
  return new NotFoundError(
    `${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${value.slice(0, 100)} does not exist`,
  );
}
