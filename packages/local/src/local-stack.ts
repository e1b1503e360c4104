import { randomBytes } from "node:crypto";
import { type Limits, limitsWith } from "@rooms/core/limits";
import { ensureTable } from "@rooms/core/table";
import {
  assertLocalEndpoint,
  type DynamoDbLocal,
  localDynamoClient,
  startDynamoDbLocal,
} from "@rooms/dynamodb-local";
import { PostFaults } from "./connections-api";
import type { CorsConfig } from "./cors";
import { dynamoDbStreamsApi } from "./dynamodb-streams-api";
import { type LogOption, toLogger } from "./gateway-logger";
import { enforceGrants } from "./iam-enforcement";
import { startLocalGateway } from "./local-gateway";
import { manifestRoutes } from "./manifest-routes";
import { startQueueWorkers, startStreamWorkers } from "./manifest-workers";
import type { LocalQueue } from "./sqs-emulation";
import type { RouteInvocation } from "./websocket-gateway";

export interface LocalStackOptions {
  /** Ports of the HTTP API, the WebSocket API and @connections; 0 (the default) picks free ones. */
  httpPort?: number;
  wsPort?: number;
  connectionsPort?: number;
  /**
   * Where the table lives. Omitted: a fresh in-memory DynamoDB Local on a free port, stopped with the stack.
   * `{ path }`: DynamoDB Local keeping its data in that folder (and `port`, default free).
   * `{ endpoint }`: an already running DynamoDB Local (loopback only); left running on stop.
   */
  dynamodb?: { path?: string; port?: number } | { endpoint: string };
  /** Created if missing. Default "rooms". Give each test file its own when sharing one DynamoDB Local. */
  tableName?: string;
  /** GATEWAY_SKIP_DISCONNECT: drop closed sockets without invoking $disconnect. */
  skipDisconnect?: boolean;
  /** GATEWAY_POST_RATE: @connections answers 429 LimitExceededException past this many posts per second. */
  postRateLimit?: number;
  /** Shorten API Gateway's 10-minute idle timeout and 2-hour maximum duration (tests). */
  idleTimeoutMs?: number;
  maxDurationMs?: number;
  cors?: CorsConfig | false;
  /** `true`: a line per request and frame; `false`: silent; omitted: handler failures only. */
  log?: LogOption;
  /**
   * The stage's token signing secret (`Resource.AuthSecret.value`). Default: a random 32-byte base64url secret
   * made once per process, so a stop and restart in the same process keeps it (handlers read it once).
   */
  authSecret?: string;
  /** One OIDC issuer whose JWTs the handlers also accept (`Resource.Identity.oidc*`). Default: none. */
  oidc?: { issuer: string; audience?: string; jwksUrl: string };
  /**
   * Presence (the table stream's worker, packages/functions/src/workers.ts): a lower digest interval than the
   * contract's 2 s and a shorter batching window than the manifest's (tests). `detailLimit` is short for
   * `limits.presenceDetailLimit` (the one setting typing, `read`, `sync` and the worker all read).
   */
  presence?: { detailLimit?: number; digestIntervalMs?: number; batchingWindowMs?: number };
  /**
   * Large rooms' fan-out (the SQS queue's workers, packages/functions/src/workers.ts): pollers (W), visibility
   * timeout, and the room size above which the sender hands off and the page size (defaults: core's).
   */
  fanOut?: { workers?: number; visibilityTimeoutMs?: number; inlineLimit?: number; pageSize?: number };
  /**
   * How long the handlers reuse a room's connection list for `message`, `typing` and `read` broadcasts (core's
   * CONNECTION_LIST_CACHE_MS by default, as deployed); 0 turns that cache off, so a member who just joined is
   * always in the list (test/support/test-stack.ts does, for tests that expect live delivery right after a join).
   */
  connectionListCacheMs?: number;
  /**
   * Limits to raise (or lower) from core's defaults (`Resource.Limits`; names in core/src/limits/limits.ts), e.g.
   * `{ sessionsPerMinute: 10_000 }` for a test that signs in many guests from one address. `pnpm dev`: ROOMS_LIMITS.
   */
  limits?: Partial<Limits>;
  /**
   * Actions to withhold from a function's IAM policy (infra/permissions.ts), by route key or worker/authorizer
   * name, e.g. `{ sendMessage: ["dynamodb:PutItem"] }` (tests: the local stack refuses calls outside a grant).
   */
  revokeGrants?: Record<string, string[]>;
  /** Told of each WebSocket route invocation when it ends: route key and integration duration (tests, benchmarks). */
  onInvocation?: (invocation: RouteInvocation) => void;
}

export interface LocalStack {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** ws://127.0.0.1:PORT; connect with ?ticket=... (from POST /rooms/{roomId}/tickets) */
  wsUrl: string;
  /** The @connections management endpoint, stage included: http://127.0.0.1:PORT/local */
  connectionsUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  /** The emulated SQS queues of the queue workers, by name (`FanOut`): URL, dead letters, depth. */
  queues: Record<string, LocalQueue>;
  /** Injected @connections failures (tests): `faults.failPosts({ after, fail })`. */
  faults: PostFaults;
  /** Closes sockets (running $disconnect unless skipped), the servers, and DynamoDB Local if the stack started it. */
  stop(): Promise<void>;
}

/** The handlers read these once per process (SST's Resource caches them), so they are fixed by the first stack. */
let handlerEnvironment: string | undefined;
let running = false;
let queuesPort: number | undefined;

/** The default signing secret: fresh for each process (each test file), the same across restarts within it. */
const processAuthSecret = randomBytes(32).toString("base64url");

/**
 * Everything the app needs on this machine: DynamoDB Local with the table, the handlers of
 * packages/functions/src/routes.ts, and the local API Gateway in front of them.
 *
 * One stack per process: handlers read their configuration (SST_RESOURCE_*, DYNAMODB_ENDPOINT) from the
 * environment the first time they run, and ES modules are imported once. A second stack in the same process
 * is refused unless the first was stopped and the new one has the very same ports, endpoint and table
 * (a restart). Vitest runs each test file in its own process, so one stack per test file is fine.
 */
export async function startLocalStack({
  httpPort = 0,
  wsPort = 0,
  connectionsPort = 0,
  dynamodb = {},
  tableName = "rooms",
  skipDisconnect = false,
  postRateLimit,
  idleTimeoutMs,
  maxDurationMs,
  cors,
  log,
  authSecret = processAuthSecret,
  oidc,
  presence = {},
  fanOut = {},
  connectionListCacheMs,
  limits = {},
  revokeGrants = {},
  onInvocation,
}: LocalStackOptions = {}): Promise<LocalStack> {
  if (running)
    throw new Error(
      "A local stack is already running in this process; handlers can serve only one (stop it first)",
    );
  running = true;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    cleanups.length = 0;
    running = false;
  };

  try {
    let dynamodbEndpoint: string;
    if ("endpoint" in dynamodb) {
      dynamodbEndpoint = assertLocalEndpoint(dynamodb.endpoint);
    } else {
      const local: DynamoDbLocal = await startDynamoDbLocal({
        ...(dynamodb.port !== undefined && { port: dynamodb.port }),
        ...(dynamodb.path !== undefined && { path: dynamodb.path }),
      });
      cleanups.push(() => local.stop());
      dynamodbEndpoint = local.endpoint;
    }
    const client = localDynamoClient(dynamodbEndpoint);
    let streamArn: string;
    try {
      ({ streamArn } = await ensureTable(client, tableName));
    } finally {
      client.destroy();
    }

    // Every handler's AWS calls are refused unless its computed IAM policy allows them (iam-enforcement.ts).
    enforceGrants({ tableName, revoke: revokeGrants });
    const routes = manifestRoutes();
    const postFaults = new PostFaults();
    const gateway = await startLocalGateway({
      httpRoutes: routes.httpRoutes,
      webSocketRoutes: routes.webSocketRoutes,
      authorizer: routes.webSocketAuthorizer,
      httpPort,
      wsPort,
      connectionsPort,
      skipDisconnect,
      log,
      ...(cors !== undefined && { cors }),
      ...(postRateLimit !== undefined && { postRateLimit }),
      ...(idleTimeoutMs !== undefined && { idleTimeoutMs }),
      ...(maxDurationMs !== undefined && { maxDurationMs }),
      ...(onInvocation && { onInvocation }),
      postFaults,
    });
    cleanups.push(() => gateway.stop());
    // The fan-out queue's emulation keeps its port across restarts in this process (handlers read its URL once).
    const queues = await startQueueWorkers({
      logger: toLogger(log),
      ...(queuesPort !== undefined && { port: queuesPort }),
      overrides: {
        ...(fanOut.workers !== undefined && { workers: fanOut.workers }),
        ...(fanOut.visibilityTimeoutMs !== undefined && { visibilityTimeoutMs: fanOut.visibilityTimeoutMs }),
      },
    });
    cleanups.push(() => queues.stop());
    queuesPort = queues.port;

    setHandlerEnvironment({
      SST_RESOURCE_App: JSON.stringify({ name: "realtime-rooms", stage: "local" }),
      SST_RESOURCE_Table: JSON.stringify({ name: tableName }),
      SST_RESOURCE_Realtime: JSON.stringify({
        managementEndpoint: gateway.connectionsUrl,
        url: gateway.wsUrl,
      }),
      SST_RESOURCE_Api: JSON.stringify({ url: gateway.httpUrl }),
      SST_RESOURCE_AuthSecret: JSON.stringify({ value: authSecret }),
      SST_RESOURCE_Identity: JSON.stringify({
        issuer: "rooms-local",
        oidcIssuer: oidc?.issuer ?? "",
        oidcAudience: oidc?.audience ?? "",
        oidcJwksUrl: oidc?.jwksUrl ?? "",
      }),
      // Checked here, so a misspelt limit fails the start rather than the first request.
      SST_RESOURCE_Limits: JSON.stringify(
        limitsWith({
          ...limits,
          ...(presence.detailLimit !== undefined && { presenceDetailLimit: presence.detailLimit }),
        }),
      ),
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      PRESENCE_DIGEST_INTERVAL_MS: String(presence.digestIntervalMs ?? ""),
      SST_RESOURCE_FanOut: JSON.stringify({ url: queues.queues.FanOut?.url }),
      FANOUT_INLINE_LIMIT: String(fanOut.inlineLimit ?? ""),
      FANOUT_PAGE_SIZE: String(fanOut.pageSize ?? ""),
      CONNECTION_LIST_CACHE_MS: String(connectionListCacheMs ?? ""),
    });
    await routes.load();
    // The table stream's event source mappings, as on AWS: presence is announced from connection records.
    const workers = await startStreamWorkers({
      api: dynamoDbStreamsApi(dynamodbEndpoint),
      streamArn,
      logger: toLogger(log),
      overrides: {
        ...(presence.batchingWindowMs !== undefined && {
          maximumBatchingWindowMs: presence.batchingWindowMs,
        }),
      },
    });
    cleanups.push(async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
    });

    return {
      httpUrl: gateway.httpUrl,
      wsUrl: gateway.wsUrl,
      connectionsUrl: gateway.connectionsUrl,
      dynamodbEndpoint,
      tableName,
      queues: queues.queues,
      faults: postFaults,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function setHandlerEnvironment(environment: Record<string, string>) {
  const snapshot = JSON.stringify(environment);
  if (handlerEnvironment !== undefined && handlerEnvironment !== snapshot) {
    throw new Error(
      "This process already served handlers with another configuration (ports, DynamoDB endpoint, table, " +
        "auth secret, OIDC issuer or limits); " +
        "SST's Resource is read once per process, so start each differently configured stack in its own process",
    );
  }
  handlerEnvironment = snapshot;
  Object.assign(process.env, environment, {
    // Fake credentials: nothing here may ever reach AWS.
    AWS_REGION: "local",
    AWS_DEFAULT_REGION: "local",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}
