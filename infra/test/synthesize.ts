import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { vi } from "vitest";
import type { WiredHandler } from "../function-args";
import { AUTHORIZER_ID, REALTIME_EXECUTION_ARN, repoRoot, TABLE_ARN } from "./support";

/** One component the stack created: `new sst.aws.Dynamo("Table", args)` is { component: "sst.aws.Dynamo", ... }. */
export interface SynthesizedResource {
  component: string;
  name: string;
  args: any;
  /** The repository file whose code constructed it. */
  site: string;
}

/** A function as infra hands it to SST; its links are the stand-in components (each has its `name`). */
export type DeployedFunction = WiredHandler<{ name: string }, string>;

export interface SynthesizedRoute {
  routeKey: string;
  handler: DeployedFunction;
  options: unknown;
}

export interface SynthesizedAuthorizer {
  name: string;
  args: { lambda: { function: DeployedFunction; identitySources: string[] } };
}

/** `table.subscribe(name, handler, args)`: a stream subscriber and its event source mapping's settings. */
export interface SynthesizedSubscription {
  name: string;
  handler: DeployedFunction;
  args: {
    filters?: Record<string, unknown>[];
    batch?: Record<string, unknown>;
    transform: { eventSourceMapping: Record<string, unknown> };
  };
}

export interface Synthesized {
  resources: SynthesizedResource[];
  /** `.route()` calls per API name ("Realtime", "Api"). */
  routes: Record<string, SynthesizedRoute[]>;
  /** `.subscribe()` calls per table name (stream subscribers). */
  subscriptions: Record<string, SynthesizedSubscription[]>;
  /** `.addAuthorizer()` calls per API name. */
  authorizers: Record<string, SynthesizedAuthorizer[]>;
  /** `sst.Linkable.wrap(Component, fn)`: what a link to an instance of that component carries. */
  linkWraps: Map<string, (resource: unknown) => unknown>;
  /** What `run()` returned (the stack's outputs). */
  outputs: Record<string, unknown>;
  app: Record<string, unknown>;
}

/**
 * Runs sst.config.ts (`app()`, then `run()`, which imports infra/*) against a recording stand-in for SST's
 * globals, as `sst deploy` would for `stage`: every component, route, authorizer and link infra creates, with
 * the arguments it computed. Outputs of components are recognisable strings (the table's ARN is TABLE_ARN).
 */
export async function synthesize(stage = "ci"): Promise<Synthesized> {
  const synthesized: Synthesized = {
    resources: [],
    routes: {},
    subscriptions: {},
    authorizers: {},
    linkWraps: new Map(),
    outputs: {},
    app: {},
  };
  const record = (component: string, name: string, args: unknown) =>
    synthesized.resources.push({ component, name, args, site: constructionSite() });

  class Dynamo {
    static component = "sst.aws.Dynamo";
    arn = TABLE_ARN;
    constructor(
      public name: string,
      args: unknown,
    ) {
      record(Dynamo.component, name, args);
      synthesized.subscriptions[name] = [];
    }
    subscribe(name: string, handler: DeployedFunction, args: SynthesizedSubscription["args"]) {
      synthesized.subscriptions[this.name]!.push({ name, handler, args });
      return { name };
    }
  }
  class Api {
    url: string;
    constructor(
      component: string,
      public name: string,
      args: unknown,
    ) {
      this.url = `https://${name}.example`;
      record(component, name, args);
      synthesized.routes[name] = [];
      synthesized.authorizers[name] = [];
    }
    route(routeKey: string, handler: DeployedFunction, options?: unknown) {
      synthesized.routes[this.name]!.push({ routeKey, handler, options });
    }
  }
  class ApiGatewayV2 extends Api {
    static component = "sst.aws.ApiGatewayV2";
    constructor(name: string, args: unknown) {
      super(ApiGatewayV2.component, name, args);
    }
  }
  class ApiGatewayWebSocket extends Api {
    static component = "sst.aws.ApiGatewayWebSocket";
    managementEndpoint = `https://${this.name}.example/$default`;
    nodes = { api: { executionArn: REALTIME_EXECUTION_ARN } };
    constructor(name: string, args: unknown) {
      super(ApiGatewayWebSocket.component, name, args);
    }
    addAuthorizer(name: string, args: SynthesizedAuthorizer["args"]) {
      synthesized.authorizers[this.name]!.push({ name, args });
      return { id: AUTHORIZER_ID };
    }
  }
  class Queue {
    static component = "sst.aws.Queue";
    arn: string;
    url: string;
    constructor(
      public name: string,
      args: unknown,
    ) {
      this.arn = `arn:aws:sqs:eu-west-1:111122223333:${name}`;
      this.url = `https://sqs.eu-west-1.amazonaws.com/111122223333/${name}`;
      record(Queue.component, name, args);
      synthesized.subscriptions[name] = [];
    }
    subscribe(handler: DeployedFunction, args: SynthesizedSubscription["args"]) {
      synthesized.subscriptions[this.name]!.push({ name: this.name, handler, args });
      return { name: this.name };
    }
  }
  class StaticSite {
    static component = "sst.aws.StaticSite";
    url = "https://web.example";
    constructor(name: string, args: unknown) {
      record(StaticSite.component, name, args);
    }
  }
  class Secret {
    static component = "sst.Secret";
    value = "secret";
    constructor(
      public name: string,
      args?: unknown,
    ) {
      record(Secret.component, name, args);
    }
  }
  class Linkable {
    static component = "sst.Linkable";
    properties: unknown;
    constructor(
      public name: string,
      args: { properties: unknown },
    ) {
      this.properties = args.properties;
      record(Linkable.component, name, args);
    }
    static wrap(component: { component: string }, wrap: (resource: unknown) => unknown) {
      synthesized.linkWraps.set(component.component, wrap);
    }
  }

  const globals: Record<string, unknown> = {
    sst: { aws: { Dynamo, ApiGatewayV2, ApiGatewayWebSocket, Queue, StaticSite }, Secret, Linkable },
    $app: { name: "realtime-rooms", stage },
    $config: (config: unknown) => config,
    $concat: (...parts: unknown[]) => parts.join(""),
  };
  Object.assign(globalThis, globals);
  vi.resetModules(); // each run evaluates infra/* afresh for its stage
  try {
    // Imported by URL so that tsc does not pull sst.config.ts (which needs SST's globals) into the tests' program.
    const { default: config } = await import(pathToFileURL(`${repoRoot}/sst.config.ts`).href);
    synthesized.app = await config.app({ stage });
    synthesized.outputs = await config.run();
  } finally {
    for (const name of Object.keys(globals)) delete (globalThis as Record<string, unknown>)[name];
  }
  return synthesized;
}

/** The first file outside this one on the stack: where `new sst.…(...)` was written. */
function constructionSite(): string {
  const frames = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of frames) {
    const file = /(\/[^():]+\.ts):\d+/.exec(frame)?.[1];
    if (file && !file.endsWith("/infra/test/synthesize.ts")) return relative(repoRoot, file);
  }
  return "unknown";
}

/** Every function the stack deploys: each API route's handler and each authorizer's function. */
export function deployedFunctions(stack: Synthesized): { name: string; handler: DeployedFunction }[] {
  const routes = Object.values(stack.routes)
    .flat()
    .map((r) => ({ name: r.routeKey, handler: r.handler }));
  const authorizers = Object.values(stack.authorizers)
    .flat()
    .map((a) => ({ name: a.name, handler: a.args.lambda.function }));
  const subscribers = Object.values(stack.subscriptions)
    .flat()
    .map((s) => ({ name: s.name, handler: s.handler }));
  return [...routes, ...authorizers, ...subscribers];
}
