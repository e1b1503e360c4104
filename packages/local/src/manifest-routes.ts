import { httpRoutes, type RouteEntry, webSocketAuthorizer, webSocketRoutes } from "@rooms/functions/routes";
import { runAs } from "./iam-enforcement";
import { callHandler } from "./invoke-handler";
import type { LambdaHandler, RouteHandler } from "./route-handlers";
import type { WebSocketAuthorizer } from "./websocket-authorizer";

export interface ManifestRoutes {
  httpRoutes: RouteHandler[];
  webSocketRoutes: RouteHandler[];
  /** The manifest's $connect REQUEST authorizer, with its identity sources. */
  webSocketAuthorizer: WebSocketAuthorizer;
  /**
   * Imports every handler module of the manifest, the authorizer's included. Call it only once the
   * environment the handlers read (SST_RESOURCE_*, DYNAMODB_ENDPOINT) is set: they read it once, when first used.
   * Invocations that arrive earlier wait for it.
   */
  load(): Promise<void>;
}

/** A module to import and how errors name it ("Route \"GET /rooms\"", "Authorizer \"TicketAuthorizer\""). */
interface HandlerModule {
  module: string;
  label: string;
}

/** The real route manifest of packages/functions, bound to handlers that are imported on `load()`. */
export function manifestRoutes(): ManifestRoutes {
  const modules: HandlerModule[] = [
    ...[...httpRoutes, ...webSocketRoutes].map((entry) => ({
      module: entry.module,
      label: `Route "${entry.routeKey}"`,
    })),
    { module: webSocketAuthorizer.module, label: `Authorizer "${webSocketAuthorizer.name}"` },
  ];
  let loading: Promise<Map<string, LambdaHandler>> | undefined;
  const load = () => (loading ??= importHandlers(modules));
  const bind = (entry: Pick<RouteEntry, "routeKey" | "module">): RouteHandler => ({
    routeKey: entry.routeKey,
    functionName: `rooms-local-${entry.module.replace("/", "-")}`,
    handler: async (event, context) => {
      const handler = (await load()).get(entry.module);
      if (!handler) throw new Error(`no handler loaded for ${entry.module}`);
      // Its AWS calls are checked against its own computed policy (iam-enforcement.ts), as IAM would.
      return runAs(entry.routeKey, () => callHandler(handler, event, context));
    },
  });
  return {
    httpRoutes: httpRoutes.map(bind),
    webSocketRoutes: webSocketRoutes.map(bind),
    webSocketAuthorizer: {
      // The authorizer serves no route; its name stands in for the route key in logs.
      handler: bind({ routeKey: webSocketAuthorizer.name, module: webSocketAuthorizer.module }),
      identitySources: webSocketAuthorizer.identitySources,
    },
    load: async () => {
      await load();
    },
  };
}

async function importHandlers(entries: readonly HandlerModule[]) {
  const handlers = new Map<string, LambdaHandler>();
  for (const { module, label } of entries) {
    if (handlers.has(module)) continue;
    let loaded: { handler?: unknown };
    try {
      loaded = await import(`@rooms/functions/${module}`);
    } catch (error) {
      const missing =
        (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(error).includes(module);
      throw new Error(
        missing
          ? `${label}: handler module packages/functions/src/${module}.ts does not exist`
          : `${label}: importing packages/functions/src/${module}.ts failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (typeof loaded.handler !== "function") {
      throw new Error(
        `${label}: packages/functions/src/${module}.ts does not export a function named handler`,
      );
    }
    handlers.set(module, loaded.handler as LambdaHandler);
  }
  return handlers;
}
