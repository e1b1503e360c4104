import { httpRoutes, type RouteEntry, webSocketRoutes } from "@rooms/functions/routes";
import { callHandler } from "./invoke-handler";
import type { LambdaHandler, RouteHandler } from "./route-handlers";

export interface ManifestRoutes {
  httpRoutes: RouteHandler[];
  webSocketRoutes: RouteHandler[];
  /**
   * Imports every handler module of the manifest. Call it only once the environment the handlers read
   * (SST_RESOURCE_*, DYNAMODB_ENDPOINT) is set: they read it once, when first used.
   * Invocations that arrive earlier wait for it.
   */
  load(): Promise<void>;
}

/** The real route manifest of packages/functions, bound to handlers that are imported on `load()`. */
export function manifestRoutes(): ManifestRoutes {
  let loading: Promise<Map<string, LambdaHandler>> | undefined;
  const load = () => (loading ??= importHandlers([...httpRoutes, ...webSocketRoutes]));
  const bind = (entry: RouteEntry): RouteHandler => ({
    routeKey: entry.routeKey,
    functionName: `rooms-local-${entry.module.replace("/", "-")}`,
    handler: async (event, context) => {
      const handler = (await load()).get(entry.module);
      if (!handler) throw new Error(`no handler loaded for ${entry.module}`);
      return callHandler(handler, event, context);
    },
  });
  return {
    httpRoutes: httpRoutes.map(bind),
    webSocketRoutes: webSocketRoutes.map(bind),
    load: async () => {
      await load();
    },
  };
}

async function importHandlers(entries: readonly RouteEntry[]) {
  const handlers = new Map<string, LambdaHandler>();
  for (const { module, routeKey } of entries) {
    if (handlers.has(module)) continue;
    let loaded: { handler?: unknown };
    try {
      loaded = await import(`@rooms/functions/${module}`);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String(error).includes(module);
      throw new Error(
        missing
          ? `Route "${routeKey}": handler module packages/functions/src/${module}.ts does not exist`
          : `Route "${routeKey}": importing packages/functions/src/${module}.ts failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (typeof loaded.handler !== "function") {
      throw new Error(`Route "${routeKey}": packages/functions/src/${module}.ts does not export a function named handler`);
    }
    handlers.set(module, loaded.handler as LambdaHandler);
  }
  return handlers;
}
