import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { type LocalGateway, type LocalGatewayOptions, startLocalGateway } from "../../src/local-gateway";
import type { RouteHandler } from "../../src/route-handlers";

/** Every event an inline handler received, per route key, for assertions. */
export type Recorded = Record<string, any[]>;

export interface InlineGateway extends LocalGateway {
  recorded: Recorded;
  management: ApiGatewayManagementApiClient;
}

/** The real SDK client pointed at the local @connections API, as handlers build it. */
export function managementClient(endpoint: string) {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/**
 * A gateway over a tiny manifest of inline handlers, for the gateway's own mechanics:
 * - $connect refuses with the status in ?refuse=, throws on ?throw=1, accepts otherwise;
 * - "echo" and $default post `{route, body}` back through @connections (the real SDK client);
 * - "boom" throws; "slow" waits ?ms; HTTP routes echo what they were given.
 */
export async function startInlineGateway(options: Partial<LocalGatewayOptions> = {}): Promise<InlineGateway> {
  const recorded: Recorded = {};
  const record = (routeKey: string, event: unknown) => {
    recorded[routeKey] = [...(recorded[routeKey] ?? []), event];
  };
  let management: ApiGatewayManagementApiClient | undefined;
  const postBack = async (event: any, payload: unknown) => {
    await management?.send(
      new PostToConnectionCommand({
        ConnectionId: event.requestContext.connectionId,
        Data: JSON.stringify(payload),
      }),
    );
  };

  const webSocketRoutes: RouteHandler[] = [
    {
      routeKey: "$connect",
      handler: async (event) => {
        record("$connect", event);
        const query = event.queryStringParameters ?? {};
        if (query.throw) throw new Error("connect failed on purpose");
        if (query.selfPost) {
          // On AWS the connection does not exist until $connect returns: posting to it is GoneException.
          const outcome = await postBack(event, "too early").then(
            () => "delivered",
            (error: Error) => error.name,
          );
          record("selfPost", outcome);
        }
        if (query.refuse)
          return { statusCode: Number(query.refuse), body: JSON.stringify({ refused: true }) };
        return { statusCode: 200 };
      },
    },
    {
      routeKey: "$disconnect",
      handler: async (event) => {
        record("$disconnect", event);
        return { statusCode: 200 };
      },
    },
    {
      routeKey: "$default",
      handler: async (event) => {
        record("$default", event);
        await postBack(event, { route: "$default", body: event.body });
        return { statusCode: 200 };
      },
    },
    {
      routeKey: "echo",
      handler: async (event) => {
        record("echo", event);
        await postBack(event, { route: "echo", body: event.body });
        return { statusCode: 200 };
      },
    },
    {
      routeKey: "boom",
      handler: async (event) => {
        record("boom", event);
        throw new Error("boom on purpose");
      },
    },
    {
      routeKey: "callback",
      handler: (event, _context, callback) => {
        record("callback", event);
        setTimeout(
          () => void postBack(event, { route: "callback" }).then(() => callback(null, { statusCode: 200 })),
          5,
        );
      },
    },
  ];

  const httpRoutes: RouteHandler[] = [
    {
      routeKey: "GET /things/{thingId}",
      handler: async (event, context) => ({
        statusCode: 200,
        headers: {
          "content-type": "application/json",
          "x-custom": "yes",
          "access-control-allow-origin": "https://evil.example",
        },
        body: JSON.stringify({
          event,
          remainingMs: context.getRemainingTimeInMillis(),
          functionName: context.functionName,
        }),
      }),
    },
    {
      routeKey: "GET /things/special",
      handler: async () => ({ statusCode: 200, body: JSON.stringify({ special: true }) }),
    },
    {
      routeKey: "POST /things",
      handler: async (event) => ({
        statusCode: 201,
        headers: { "content-type": "application/json" },
        body: event.body,
      }),
    },
    { routeKey: "GET /plain-object", handler: async () => ({ hello: "world" }) },
    { routeKey: "GET /plain-string", handler: async () => "just text" },
    { routeKey: "GET /throws", handler: async () => Promise.reject(new Error("http failure on purpose")) },
    { routeKey: "GET /malformed", handler: async () => ({ statusCode: 200, body: { not: "a string" } }) },
    {
      routeKey: "GET /files/{path+}",
      handler: async (event) => ({ statusCode: 200, body: JSON.stringify(event.pathParameters) }),
    },
  ];

  const gateway = await startLocalGateway({ httpRoutes, webSocketRoutes, log: false, ...options });
  management = managementClient(gateway.connectionsUrl);
  return {
    ...gateway,
    recorded,
    management,
    stop: async () => {
      await gateway.stop();
      management?.destroy();
    },
  };
}
