import type { ErrorCode, ValidationIssue as Issue } from "@rooms/core/errors";

export type { ErrorCode, Issue };

/** A failed HTTP call: the server's error body, or `network` when no answer came back at all. */
export class ApiError extends Error {
  readonly code: ErrorCode | "network";
  readonly status: number;
  readonly issues: Issue[];
  constructor({ code, message, status, issues = [] }: { code: ErrorCode | "network"; message: string; status: number; issues?: Issue[] }) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.issues = issues;
  }
}

const issueText = (issues: Issue[]) =>
  issues.map(({ path, message }) => (path.length ? `${path.join(".")} ${message}` : message)).join("; ");

/**
 * Words a person understands for a server error. Messages below 500 are written for people (house style 8);
 * at 500 and above the server says nothing useful, so neither do we.
 */
export function describeProblem({ code, message, issues = [] }: { code: string; message?: string; issues?: Issue[] }): string {
  switch (code) {
    case "network":
      return "Can't reach the server. Check your connection and try again.";
    case "not_found":
      return "We couldn't find that. The link may be wrong, or it no longer exists.";
    case "too_large":
      return "That's too large to send. Try something shorter.";
    case "bad_request":
      return issues.length ? `That wasn't accepted: ${issueText(issues)}.` : `That wasn't accepted: ${message ?? "invalid input"}.`;
    case "conflict":
      return "Someone else changed this at the same time. You're now seeing their version.";
    case "unsupported_media_type":
      return "The app sent something the server doesn't understand. Reloading the page may help.";
    default:
      return "Something went wrong on our side. Please try again in a moment.";
  }
}

/** Human text for anything thrown by this module (or anything else). */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError) return describeProblem(error);
  return "Something unexpected went wrong. Please try again.";
}
