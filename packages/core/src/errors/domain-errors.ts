/** Stable error codes shared by the HTTP API, WebSocket error frames and the web client. */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "limit_reached"
  | "too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal";

export const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit_reached: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** Base of every error the domain throws on purpose; its message is safe to show to a client. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
  get status() {
    return statusByCode[this.code];
  }
}

export class ValidationError extends DomainError {
  readonly issues: ValidationIssue[];
  constructor(message: string, issues: ValidationIssue[] = []) {
    super("bad_request", message);
    this.issues = issues;
  }
}

/** No credentials, or credentials that do not check out (missing, malformed, forged, expired token or ticket). */
export class UnauthorizedError extends DomainError {
  constructor(message = "Sign in first: a valid bearer token is required") {
    super("unauthorized", message);
  }
}

/** Known caller, not allowed (not the room's owner, or removed from the room). */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super("forbidden", message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super("not_found", message);
  }
}

/** A write lost an optimistic-concurrency race; `current` is what is stored now. */
export class ConflictError<T = unknown> extends DomainError {
  readonly current: T;
  constructor(message: string, current: T) {
    super("conflict", message);
    this.current = current;
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super("too_large", message);
  }
}

/** A bounded resource is full (a room at its member cap): retrying will not help until something leaves. */
export class LimitReachedError extends DomainError {
  constructor(message: string) {
    super("limit_reached", message);
  }
}

/** Too many calls too fast (see limits/limits.ts); `retryAfterMs` says when the next one will be accepted. */
export class RateLimitedError extends DomainError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super("rate_limited", message);
    this.retryAfterMs = Math.max(1, Math.ceil(retryAfterMs));
  }
}
