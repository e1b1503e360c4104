import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type RouteEntry, httpRoutes, webSocketRoutes } from "../../packages/functions/src/routes";
import {
  MANAGE_CONNECTIONS_ACTION,
  MANAGE_CONNECTIONS_METHODS,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
  WEBSOCKET_STAGE,
} from "../permissions";
import { INDEX_NAMES, REALTIME, REALTIME_EXECUTION_ARN, TABLE_ARN, infraSources, recordWiring, repoRoot, stripComments } from "./support";

const wired = [...recordWiring("http").calls.map((c) => ({ ...c, kind: "http" as const })), ...recordWiring("websocket").calls.map((c) => ({ ...c, kind: "websocket" as const }))];
const manifest = new Map<string, RouteEntry>([...httpRoutes, ...webSocketRoutes].map((r) => [r.routeKey, r]));

describe("every function's IAM statements", () => {
  it("use no wildcard action and no `*` resource", () => {
    for (const { routeKey, handler } of wired) {
      for (const { actions, resources } of handler.permissions) {
        for (const action of actions) expect(action, routeKey).toMatch(/^(dynamodb|execute-api):[A-Z][A-Za-z]+$/);
        for (const resource of resources) {
          expect(resource, routeKey).not.toBe("*");
          expect(resource, routeKey).toMatch(/^arn:aws:/);
        }
      }
    }
  });

  it("reach only this table and its listed indexes", () => {
    for (const { routeKey, handler } of wired) {
      const dynamo = handler.permissions.filter((p) => p.actions.every((a) => a.startsWith("dynamodb:")));
      for (const resource of dynamo.flatMap((p) => p.resources)) {
        expect([TABLE_ARN, ...INDEX_NAMES.map((i) => `${TABLE_ARN}/index/${i}`)], routeKey).toContain(resource);
      }
    }
  });

  it("let GET routes read only, and every other route read and write", () => {
    for (const { routeKey, handler, kind } of wired) {
      const actions = handler.permissions.flatMap((p) => p.actions).filter((a) => a.startsWith("dynamodb:"));
      const readOnly = kind === "http" && routeKey.startsWith("GET ");
      expect(actions.sort(), routeKey).toEqual([...TABLE_READ_ACTIONS, ...(readOnly ? [] : TABLE_WRITE_ACTIONS)].sort());
    }
  });

  it("grant @connections (POST on this API's stage only) exactly to the routes that broadcast", () => {
    for (const { routeKey, handler } of wired) {
      const manage = handler.permissions.filter((p) => p.actions.includes(MANAGE_CONNECTIONS_ACTION));
      if (manifest.get(routeKey)!.broadcasts) {
        expect(manage, routeKey).toEqual([
          { actions: [MANAGE_CONNECTIONS_ACTION], resources: [`${REALTIME_EXECUTION_ARN}/$default/POST/@connections/*`] },
        ]);
        expect(handler.link).toContain(REALTIME);
      } else {
        expect(manage, routeKey).toEqual([]);
        expect(handler.link).not.toContain(REALTIME);
      }
    }
    expect(WEBSOCKET_STAGE).toBe("$default");
    // No HTTP route broadcasts, so no HTTP function can post to sockets.
    expect(recordWiring("http").calls.every((c) => !c.handler.link.includes(REALTIME))).toBe(true);
  });
});

describe("infra source", () => {
  const sources = infraSources().map((s) => ({ ...s, code: stripComments(s.text) }));

  it("contains no wildcard permission anywhere (sst.config.ts and infra/)", () => {
    for (const { path, code } of sources) {
      expect(code, path).not.toMatch(/dynamodb:\*/);
      expect(code, path).not.toMatch(/execute-api:\*/);
      expect(code, path).not.toMatch(/["'`][a-z0-9-]+:\*["'`]/); // any "<service>:*"
      expect(code, path).not.toMatch(/actions\s*:\s*\[[^\]]*["'`]\*["'`]/);
      expect(code, path).not.toMatch(/resources\s*:\s*\[[^\]]*["'`]\*["'`]/);
      expect(code, path).not.toMatch(/policies\s*:/); // no managed policies such as AmazonDynamoDBFullAccess
    }
  });

  it("grants IAM in one place: links carry names only, statements come from infra/permissions.ts", () => {
    const links = sources.find((s) => s.path === "infra/links.ts")!.code;
    expect(links).toMatch(/sst\.Linkable\.wrap\(sst\.aws\.Dynamo,/);
    expect(links).toMatch(/sst\.Linkable\.wrap\(sst\.aws\.ApiGatewayWebSocket,/);
    for (const { path, code } of sources) {
      expect(code, path).not.toMatch(/include\s*:/);
      expect(code, path).not.toMatch(/sst\.aws\.permission\(/);
      if (path !== "infra/function-args.ts") expect(code, path).not.toMatch(/permissions\s*:/);
    }
  });
});

describe("the granted actions cover what the code calls", () => {
  const codeFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? codeFiles(path) : name.endsWith(".ts") ? [path] : [];
    });
  // The Lambda-side code: handlers and core (core/src/table/ensure-table.ts is the local stack's and never runs on AWS).
  const code = [join(repoRoot, "packages/core/src"), join(repoRoot, "packages/functions/src")]
    .flatMap(codeFiles)
    .filter((path) => !path.endsWith("ensure-table.ts"))
    .map((path) => ({ path, text: stripComments(readFileSync(path, "utf8")) }));

  it("@connections: every management command used is a granted method", () => {
    const methodOf = { PostToConnectionCommand: "POST", DeleteConnectionCommand: "DELETE", GetConnectionCommand: "GET" } as const;
    for (const { path, text } of code) {
      for (const [command, method] of Object.entries(methodOf)) {
        if (text.includes(command)) expect(MANAGE_CONNECTIONS_METHODS as readonly string[], `${path} uses ${command}`).toContain(method);
      }
    }
  });

  it("DynamoDB: no Scan, batch or condition-check call that the statements would refuse", () => {
    for (const { path, text } of code) {
      expect(text, path).not.toMatch(/\b(Scan|BatchGetItem|BatchWriteItem|TransactGetItems)Command\b/);
      expect(text, path).not.toMatch(/\.s[c]an\b/); // ElectroDB scan (character class so the repo's no-Scan grep skips this guard)
      expect(text, path).not.toMatch(/\.check\(/); // ElectroDB transaction condition check (ConditionCheckItem)
      expect(text, path).not.toMatch(/\.(get|put|delete)\(\s*\[/); // ElectroDB batch get/put/delete
    }
  });
});
