import {
  ConflictError,
  DomainError,
  type ErrorCode,
  RateLimitedError,
  ValidationError,
  type ValidationIssue,
} from "@rooms/core/errors";

/** What a client may learn about an error; internals never get past this point. */
export interface PublicError {
  status: number;
  code: ErrorCode;
  message: string;
  issues?: ValidationIssue[];
  /** For a conflict: what is stored now. */
  current?: unknown;
  /** For `rate_limited`: when the next call will be accepted. */
  retryAfterMs?: number;
  /** False for a bug or an outage (status 500): worth a stack trace in the logs. */
  expected: boolean;
}

const bodyParserPackage = "@middy/http-json-body-parser";

/**
 * Maps anything thrown to the contract's error codes. `subject` names what was parsed ("Body" on HTTP,
 * "Frame" on WebSocket) in the messages of Middy's JSON parser errors, which carry 415/422 of their own.
 */
export function describeError(error: unknown, { subject = "Body" }: { subject?: string } = {}): PublicError {
  if (error instanceof ValidationError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      issues: error.issues,
      expected: true,
    };
  }
  if (error instanceof ConflictError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      current: error.current,
      expected: true,
    };
  }
  if (error instanceof RateLimitedError) {
    const { status, code, message, retryAfterMs } = error;
    return { status, code, message, retryAfterMs, expected: true };
  }
  if (error instanceof DomainError)
    return { status: error.status, code: error.code, message: error.message, expected: true };
  const parserStatus = bodyParserErrorStatus(error);
  if (parserStatus === 415) {
    return {
      status: 415,
      code: "unsupported_media_type",
      message: "Content-Type must be application/json",
      expected: true,
    };
  }
  if (parserStatus !== undefined) {
    return { status: 400, code: "bad_request", message: `${subject} is not valid JSON`, expected: true };
  }
  return { status: 500, code: "internal", message: "Internal error", expected: false };
}

function bodyParserErrorStatus(error: unknown): number | undefined {
  const { statusCode, cause } = (error ?? {}) as { statusCode?: number; cause?: { package?: string } };
  return cause?.package === bodyParserPackage ? statusCode : undefined;
}
