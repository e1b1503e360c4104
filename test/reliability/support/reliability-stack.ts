import { inspect } from "node:util";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDb, type Db } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";
import type { LocalStack, LocalStackOptions } from "@rooms/local";
import { type MockInstance, vi } from "vitest";
import { type HttpClient, httpClient } from "../../support/http-client";
import { createSession, type Session } from "../../support/room-session";
import { startTestStack } from "../../support/test-stack";

export interface ReliabilityStack {
  stack: LocalStack;
  db: Db;
  dynamo: DynamoDBClient;
  /** The user the suite works as (it owns the rooms `http.createRoom` makes). */
  owner: Session;
  /** The HTTP API, as `owner` unless a call says otherwise. */
  http: HttpClient;
  /**
   * What went wrong inside. `escaped`: handler failures the gateway caught (a handler threw or timed out) and
   * ERROR/CRITICAL lines the handlers logged (an unexpected error, answered as `internal`). `deliveryWarnings`:
   * WARN lines, i.e. a post to a connection that failed (other than gone) or a prune that failed.
   */
  failures(): { escaped: string[]; deliveryWarnings: { event?: string; reason?: string; line: string }[] };
  stop(): Promise<void>;
}

/**
 * The real local stack (every handler of the manifest behind the local API Gateway) on the run's shared
 * in-memory DynamoDB Local, in a table of its own, with its failure output captured: the gateway's `log` hook
 * for errors that escape a handler, and spies on the handlers' Powertools logger for those a handler caught.
 */
export async function startReliabilityStack(options: LocalStackOptions = {}): Promise<ReliabilityStack> {
  // Powertools INFO lines (one per invocation) would drown the output; WARN and ERROR are captured below anyway.
  // Set before the logger module is first imported (it reads the level once), hence the dynamic import.
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  const { logger } = await import("../../../packages/functions/src/logging/logger");
  const gatewayFailures: string[] = [];
  const stack = await startTestStack("reliability", {
    // A DynamoDB Local of its own (started and stopped with the stack): these files run after every other test
    // file, and the run's shared one by then holds every earlier file's tables and stream records, which made
    // each transaction here several times slower than on a fresh one (ordering: 8 tries in a send's 12 s budget).
    dynamodb: {},
    log: {
      info: () => {},
      error: (line, error) =>
        void gatewayFailures.push(`${line}${error === undefined ? "" : ` ${inspect(error, { depth: 3 })}`}`),
    },
    ...options,
  });
  const warnSpy = vi.spyOn(logger, "warn");
  const errorSpies: MockInstance[] = [vi.spyOn(logger, "error"), vi.spyOn(logger, "critical")];
  const infoSpy = vi.spyOn(logger, "info");
  const dynamo = localDynamoClient(stack.dynamodbEndpoint);
  const owner = await createSession(stack.httpUrl, "reliability owner");
  const http = httpClient(stack.httpUrl, owner);
  // The spies must sit on the very logger the handlers use (one module instance): every invocation logs one
  // INFO line, so a request has to show up on the info spy, or the failure capture would be blind.
  const before = infoSpy.mock.calls.length;
  const probe = await http.call("GET", "/rooms?limit=1");
  if (probe.status !== 200)
    throw new Error(`GET /rooms as the owner answered ${probe.status}: ${probe.text}`);
  if (infoSpy.mock.calls.length <= before)
    throw new Error("the handlers' logger is not the one spied on: failure capture would see nothing");
  return {
    stack,
    dynamo,
    owner,
    db: createDb({ client: dynamo, table: stack.tableName }),
    http,
    failures: () => ({
      escaped: [
        ...gatewayFailures.map((line) => `gateway: ${line}`),
        ...errorSpies.flatMap((spy) =>
          spy.mock.calls.map((args) => `handler logged: ${inspect(args, { depth: 4 })}`),
        ),
      ],
      deliveryWarnings: warnSpy.mock.calls.map((args) => {
        const fields = (args[1] ?? {}) as { event?: string; reason?: string };
        return { event: fields.event, reason: fields.reason, line: inspect(args, { depth: 4 }) };
      }),
    }),
    async stop() {
      for (const spy of [warnSpy, ...errorSpies, infoSpy]) spy.mockRestore();
      await stack.stop();
      dynamo.destroy();
    },
  };
}
