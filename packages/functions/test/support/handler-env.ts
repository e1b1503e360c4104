import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { createDb } from "@rooms/core/db";
import { createIdentity } from "@rooms/core/identity";
import { newId } from "@rooms/core/ids";
import type { Limits } from "@rooms/core/limits";
import type { User } from "@rooms/core/protocol";
import { ensureTable } from "@rooms/core/table";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { inject } from "vitest";
import {
  type ConnectionsApiServer,
  startConnectionsApiServer,
} from "../../../../test/support/connections-api-server";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";

/** `iss`/`aud` of this stage's guest tokens (SST_RESOURCE_Identity.issuer). */
export const TEST_ISSUER = "rooms-test";

export interface HandlerEnvOptions {
  /** Link `Realtime` (as SST does for routes that broadcast); otherwise handlers derive it from the event. */
  linkRealtime?: boolean;
  /** Use this table name instead of creating a fresh table (a missing one makes every call fail). */
  tableName?: string;
  /**
   * `Resource.Limits`: default RAISED_LIMITS, since these tests call one route many times as one user from one
   * fixture address; a test of a limit sets its own.
   */
  limits?: Partial<Limits>;
}

/**
 * What the local stack gives the handlers, for one test file: a fresh table in the run's DynamoDB Local, a fake
 * @connections server, and the environment config.ts reads (SST_RESOURCE_Table, SST_RESOURCE_Realtime,
 * SST_RESOURCE_AuthSecret, SST_RESOURCE_Identity, DYNAMODB_ENDPOINT). Call it before the first handler import:
 * SST reads the variables once, on first use. The signing secret is fresh for every test file; `signIn` mints
 * tokens with it, as `POST /sessions` would.
 */
export async function startHandlerEnv({
  linkRealtime = true,
  tableName,
  limits = RAISED_LIMITS,
}: HandlerEnvOptions = {}) {
  const endpoint = inject("dynamodbEndpoint");
  const client = localDynamoClient(endpoint);
  const table = tableName ?? `functions-${randomUUID()}`;
  if (!tableName) await ensureTable(client, table);
  const connections: ConnectionsApiServer = await startConnectionsApiServer();

  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.SST_RESOURCE_Table = JSON.stringify({ name: table });
  const secret = randomBytes(32).toString("base64url");
  process.env.SST_RESOURCE_AuthSecret = JSON.stringify({ value: secret });
  process.env.SST_RESOURCE_Limits = JSON.stringify(limits);
  process.env.SST_RESOURCE_Identity = JSON.stringify({
    issuer: TEST_ISSUER,
    oidcIssuer: "",
    oidcAudience: "",
    oidcJwksUrl: "",
  });
  const identity = createIdentity({ secret, issuer: TEST_ISSUER });
  if (linkRealtime)
    process.env.SST_RESOURCE_Realtime = JSON.stringify({ managementEndpoint: connections.endpoint });
  else delete process.env.SST_RESOURCE_Realtime;

  /** A guest as `POST /sessions` would make one: a user, their token, and the header that carries it. */
  async function signIn(name: string, userId: string = newId()) {
    const user: User = { userId, name };
    const { token } = await identity.issue(user);
    return { user, token, authorization: `Bearer ${token}` };
  }

  /** Every item of this file's table, canonical: to show a refused call wrote nothing (tests may scan; the app never does). */
  async function tableItems() {
    const items: string[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey }),
      );
      items.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.sort();
  }

  return {
    db: createDb({ client, table }),
    client,
    table,
    connections,
    secret,
    identity,
    signIn,
    tableItems,
    close: () => connections.close(),
  };
}

export type HandlerEnv = Awaited<ReturnType<typeof startHandlerEnv>>;
export type SignedIn = Awaited<ReturnType<HandlerEnv["signIn"]>>;

export type Invoke = (event: unknown) => Promise<any>;

/** A handler from the route manifest's module path, invoked as Lambda would, with a fresh context. */
export async function loadHandler(module: string): Promise<Invoke> {
  const path = fileURLToPath(new URL(`../../src/${module}.ts`, import.meta.url));
  const { handler } = (await import(/* @vite-ignore */ path)) as {
    handler: (event: unknown, context: unknown) => Promise<unknown>;
  };
  return (event) =>
    handler(event, {
      functionName: module,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 30_000,
    });
}

/** Everything the Powertools logger prints, parsed, instead of on stdout. */
export async function captureLogs() {
  const { logger } = await import("../../src/logging/logger");
  const lines: Record<string, any>[] = [];
  const print = (text: string) => lines.push(JSON.parse(text));
  (logger as unknown as { console: unknown }).console = {
    debug: print,
    info: print,
    warn: print,
    error: print,
    trace: print,
    log: print,
  };
  return lines;
}

export const parseBody = (response: { body?: string }) => JSON.parse(response.body ?? "null");
