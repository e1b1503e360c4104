import type { ErrorCode, ValidationIssue as Issue } from "@rooms/core/errors";

export type { ErrorCode, Issue };

/**
 * Why something failed, as codes: the server's error body (`code`, its `message`, `issues`), `network` when
 * no answer came back, `unexpected` for anything else. Views turn it into words (components/problem-text.ts);
 * this module never writes text for people (house style 13).
 */
export interface Problem {
  code: ErrorCode | "network" | "unexpected" | (string & {});
  message?: string;
  issues?: Issue[];
  /** Set by 429 answers: when trying again makes sense. */
  retryAfterMs?: number;
}

/** A failed HTTP call: the server's error body, or `network` when no answer came back at all. */
export class ApiError extends Error {
  readonly code: Problem["code"];
  readonly status: number;
  readonly issues: Issue[];
  readonly retryAfterMs: number | undefined;
  constructor({
    code,
    message,
    status,
    issues = [],
    retryAfterMs,
  }: { code: Problem["code"]; message: string; status: number; issues?: Issue[]; retryAfterMs?: number }) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.issues = issues;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The codes of anything thrown by this module (or anything else), for a view to put into words. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: error.message,
      issues: error.issues,
      ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    };
  }
  return { code: "unexpected" };
}
