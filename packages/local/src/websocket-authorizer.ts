import { dictionary } from "./dictionary";
import type { RouteHandler } from "./route-handlers";
import type { AuthorizerContextValue, ConnectionFacts } from "./websocket-events";

/** A Lambda REQUEST authorizer on the WebSocket API's $connect route (AWS runs it on $connect only). */
export interface WebSocketAuthorizer {
  handler: RouteHandler;
  /**
   * API Gateway identity sources: `route.request.querystring.<key>` (case-sensitive) and
   * `route.request.header.<name>` (case-insensitive). A missing or empty one refuses the handshake 401
   * without invoking the authorizer.
   */
  identitySources: readonly string[];
}

export interface Refusal {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const unauthorized: Refusal = { statusCode: 401, headers: {}, body: '{"message":"Unauthorized"}' };
export const forbidden: Refusal = { statusCode: 403, headers: {}, body: '{"message":"Forbidden"}' };
export const authorizerFailure: Refusal = {
  statusCode: 500,
  headers: {},
  body: '{"message":"Internal server error"}',
};

type IdentitySource = { kind: "querystring" | "header"; name: string };

/**
 * Checks the identity sources once, when the gateway starts, and returns the test API Gateway applies to
 * each handshake: true when every source is present and non-empty. Other source kinds (`stageVariables.*`,
 * `context.*`) are refused here rather than silently ignored.
 */
export function compileIdentitySources(sources: readonly string[]): (facts: ConnectionFacts) => boolean {
  const parsed: IdentitySource[] = sources.map((source) => {
    const match = /^route\.request\.(querystring|header)\.(.+)$/.exec(source);
    if (!match) {
      throw new Error(
        `Unsupported authorizer identity source "${source}": the local gateway supports ` +
          "route.request.querystring.<key> and route.request.header.<name>",
      );
    }
    return { kind: match[1] as IdentitySource["kind"], name: match[2] ?? "" };
  });
  return (facts) => parsed.every((source) => !!identityValue(facts, source));
}

function identityValue(facts: ConnectionFacts, { kind, name }: IdentitySource): string | undefined {
  if (kind === "querystring") {
    return Object.hasOwn(facts.queryStringParameters ?? {}, name)
      ? facts.queryStringParameters?.[name]
      : undefined;
  }
  const lower = name.toLowerCase();
  return Object.entries(facts.headers).find(([header]) => header.toLowerCase() === lower)?.[1];
}

/** `throw new Error("Unauthorized")` (or `callback("Unauthorized")`): API Gateway's signal for 401. */
export function isUnauthorizedError(error: unknown): boolean {
  if (typeof error === "string") return error === "Unauthorized";
  return error instanceof Error && error.message === "Unauthorized";
}

export class MalformedAuthorizerResultError extends Error {
  override name = "MalformedAuthorizerResultError";
}

export type AuthorizerDecision =
  | { effect: "Allow"; authorizer: Record<string, AuthorizerContextValue> }
  | { effect: "Deny" };

/**
 * Reads an authorizer's result as API Gateway does: `principalId`, an IAM `policyDocument` evaluated for
 * `execute-api:Invoke` on `methodArn` (an explicit Deny wins; no matching Allow is a Deny), and an optional
 * flat `context`. Anything API Gateway could not use throws MalformedAuthorizerResultError (a 500 there).
 */
export function evaluateAuthorizerResult(result: unknown, methodArn: string): AuthorizerDecision {
  if (!isRecord(result))
    throw new MalformedAuthorizerResultError(`the result must be an object, got ${describe(result)}`);
  const { principalId, policyDocument, context } = result;
  if (typeof principalId !== "string" && !(typeof principalId === "number" && Number.isFinite(principalId))) {
    throw new MalformedAuthorizerResultError(`principalId must be a string, got ${describe(principalId)}`);
  }
  if (!isRecord(policyDocument)) {
    throw new MalformedAuthorizerResultError(
      `policyDocument must be an object, got ${describe(policyDocument)}`,
    );
  }
  const statements = Array.isArray(policyDocument.Statement)
    ? policyDocument.Statement
    : [policyDocument.Statement];
  let allowed = false;
  let denied = false;
  for (const statement of statements) {
    if (!isRecord(statement))
      throw new MalformedAuthorizerResultError(
        `a policy statement must be an object, got ${describe(statement)}`,
      );
    const { Effect, Action, Resource } = statement;
    if (Effect !== "Allow" && Effect !== "Deny") {
      throw new MalformedAuthorizerResultError(
        `a statement's Effect must be "Allow" or "Deny", got ${describe(Effect)}`,
      );
    }
    const actions = stringList(Action, "Action");
    const resources = stringList(Resource, "Resource");
    const applies =
      actions.some((action) => wildcardMatch(action, "execute-api:Invoke", true)) &&
      resources.some((resource) => wildcardMatch(resource, methodArn, false));
    if (!applies) continue;
    if (Effect === "Deny") denied = true;
    else allowed = true;
  }

  const flat = dictionary<AuthorizerContextValue>();
  if (context !== undefined && context !== null) {
    if (!isRecord(context))
      throw new MalformedAuthorizerResultError(`context must be an object, got ${describe(context)}`);
    for (const [key, value] of Object.entries(context)) {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new MalformedAuthorizerResultError(
          `context.${key} must be a string, number or boolean (API Gateway refuses nested values), got ${describe(value)}`,
        );
      }
      flat[key] = value;
    }
  }

  if (denied || !allowed) return { effect: "Deny" };
  const authorizer = dictionary<AuthorizerContextValue>();
  authorizer.principalId = String(principalId);
  // principalId is the authorizer's own; a context key of that name does not replace it.
  for (const [key, value] of Object.entries(flat)) if (key !== "principalId") authorizer[key] = value;
  return { effect: "Allow", authorizer };
}

function stringList(value: unknown, field: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string"))
    return value;
  throw new MalformedAuthorizerResultError(
    `a statement's ${field} must be a string or a list of strings, got ${describe(value)}`,
  );
}

/** IAM matching: `*` is any run of characters, `?` any one; actions ignore case, resources do not. */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  try {
    return JSON.stringify(value).slice(0, 200);
  } catch {
    return typeof value;
  }
}
