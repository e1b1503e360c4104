import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { createDb } from "@rooms/core/db";
import { ensureTable } from "@rooms/core/table";
import { inject } from "vitest";
import { type FakeConnectionsApi, startFakeConnectionsApi } from "./fake-connections-api";


export interface HandlerEnvOptions {
  /** Link `Realtime` (as SST does for routes that broadcast); otherwise handlers derive it from the event. */
  linkRealtime?: boolean;
  /** Use this table name instead of creating a fresh table (a missing one makes every call fail). */
  tableName?: string;
}

/**
 * What the local stack gives the handlers, for one test file: a fresh table in the run's DynamoDB Local, a fake
 * @connections server, and the environment config.ts reads (SST_RESOURCE_Table, SST_RESOURCE_Realtime,
 * DYNAMODB_ENDPOINT). Call it before the first handler import: SST reads the variables once, on first use.
 */
export async function startHandlerEnv({ linkRealtime = true, tableName }: HandlerEnvOptions = {}) {
  const endpoint = inject("dynamodbEndpoint");
  const client = localDynamoClient(endpoint);
  const table = tableName ?? `functions-${randomUUID()}`;
  if (!tableName) await ensureTable(client, table);
  const connections: FakeConnectionsApi = await startFakeConnectionsApi();

  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.SST_RESOURCE_Table = JSON.stringify({ name: table });
  if (linkRealtime) process.env.SST_RESOURCE_Realtime = JSON.stringify({ managementEndpoint: connections.endpoint });
  else delete process.env.SST_RESOURCE_Realtime;

  return { db: createDb({ client, table }), table, connections, close: () => connections.close() };
}

export type Invoke = (event: unknown) => Promise<any>;

/** A handler from the route manifest's module path, invoked as Lambda would, with a fresh context. */
export async function loadHandler(module: string): Promise<Invoke> {
  const path = fileURLToPath(new URL(`../../src/${module}.ts`, import.meta.url));
  const { handler } = (await import(/* @vite-ignore */ path)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
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
  (logger as unknown as { console: unknown }).console = { debug: print, info: print, warn: print, error: print, trace: print, log: print };
  return lines;
}

export const parseBody = (response: { body?: string }) => JSON.parse(response.body ?? "null");
