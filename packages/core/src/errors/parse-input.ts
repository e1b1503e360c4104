import { safeParse } from "zod/mini";
import type { $ZodType, output } from "zod/v4/core";
import { ValidationError } from "./domain-errors";
import "./english-messages";

/** Parses with a core schema; failure becomes a ValidationError listing every issue. */
export function parseInput<S extends $ZodType>(schema: S, input: unknown, what = "input"): output<S> {
  const result = safeParse(schema, input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.filter((p): p is string | number => typeof p !== "symbol"),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  throw new ValidationError(`Invalid ${what}: ${where}${first?.message ?? "malformed"}`, issues);
}
