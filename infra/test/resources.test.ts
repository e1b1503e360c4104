import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityProperties } from "../identity-config";
import { isProductionStage } from "../stage";
import { repoRoot } from "./support";
import { synthesize } from "./synthesize";

const stack = await synthesize();
/** The components the stack creates, as { Name: "sst.aws.X" | "sst.X" }. */
const components = Object.fromEntries(stack.resources.map((r) => [r.name, r.component]));

/** The `type` SST writes for a component: its Pulumi type `sst:aws:X` / `sst:sst:X` with dots. */
const sstType = (component: string) =>
  component.startsWith("sst.aws.") ? component : component.replace(/^sst\./, "sst.sst.");

/** The `Resource` interface of the hand-written sst-env.d.ts, as { Name: { property: type } }. */
function declaredResources() {
  const text = readFileSync(join(repoRoot, "sst-env.d.ts"), "utf8");
  const body = text.match(/export interface Resource \{([\s\S]*)\n {2}\}\n\}/)?.[1] ?? "";
  return Object.fromEntries(
    [...body.matchAll(/"(\w+)": \{([^}]*)\}/g)].map((m) => [
      m[1]!,
      Object.fromEntries(
        [...m[2]!.matchAll(/"(\w+)": ("[^"]+"|string|number|boolean)/g)].map((p) => [p[1]!, p[2]!]),
      ),
    ]),
  );
}

describe("resource names", () => {
  it("are exactly Table, Realtime, Api, Web, AuthSecret, Identity, Limits and the fan-out queues, of the expected components", () => {
    expect(components).toEqual({
      Table: "sst.aws.Dynamo",
      FanOut: "sst.aws.Queue",
      FanOutDeadLetters: "sst.aws.Queue",
      Realtime: "sst.aws.ApiGatewayWebSocket",
      Api: "sst.aws.ApiGatewayV2",
      Web: "sst.aws.StaticSite",
      AuthSecret: "sst.Secret",
      Identity: "sst.Linkable",
      Limits: "sst.Linkable",
    });
  });

  it("are typed in sst-env.d.ts as SST generates it (sorted keys, the link's properties plus `type`)", () => {
    const declared = declaredResources();
    expect(Object.keys(declared)).toEqual(Object.keys(components).sort());
    for (const [name, component] of Object.entries(components))
      expect(declared[name]!.type).toBe(`"${sstType(component)}"`);
    expect(declared).toEqual({
      Api: { type: '"sst.aws.ApiGatewayV2"', url: "string" },
      AuthSecret: { type: '"sst.sst.Secret"', value: "string" },
      FanOut: { type: '"sst.aws.Queue"', url: "string" },
      FanOutDeadLetters: { type: '"sst.aws.Queue"', url: "string" },
      Identity: {
        issuer: "string",
        oidcAudience: "string",
        oidcIssuer: "string",
        oidcJwksUrl: "string",
        type: '"sst.sst.Linkable"',
      },
      Limits: {
        connectionsPerUserInRoom: "number",
        frameBurst: "number",
        framesPerSecond: "number",
        membersPerRoom: "number",
        reactionsPerMessage: "number",
        roomsPerMinute: "number",
        sessionsPerMinute: "number",
        ticketsPerMinute: "number",
        todosPerRoom: "number",
        type: '"sst.sst.Linkable"',
      },
      Realtime: { managementEndpoint: "string", type: '"sst.aws.ApiGatewayWebSocket"', url: "string" },
      Table: { name: "string", type: '"sst.aws.Dynamo"' },
      Web: { type: '"sst.aws.StaticSite"', url: "string" },
    });
  });

  it("declare for Identity exactly the properties identityProperties computes, all strings", () => {
    const { type, ...declared } = declaredResources().Identity!;
    expect(type).toBe('"sst.sst.Linkable"');
    const oidc = {
      issuer: "https://id.example.com",
      audience: "client",
      jwksUrl: "https://id.example.com/keys",
    };
    for (const computed of [
      identityProperties({ issuer: "rooms-a-b", oidc: null }),
      identityProperties({ issuer: "rooms-a-b", oidc }),
    ]) {
      expect(Object.keys(computed).sort()).toEqual(Object.keys(declared));
      for (const value of Object.values(computed)) expect(typeof value).toBe("string");
    }
  });

  it("are linked with the properties sst-env.d.ts declares (what handlers read at run time)", () => {
    const declared = declaredResources();
    for (const { name, component } of stack.resources) {
      const wrap = stack.linkWraps.get(component);
      if (!wrap) continue;
      const instance = { name: `${name}-name`, url: `${name}-url`, managementEndpoint: `${name}-endpoint` };
      const { properties } = wrap(instance) as { properties: Record<string, unknown> };
      const { type: _, ...declaredProperties } = declared[name]!;
      expect(Object.keys(properties).sort(), name).toEqual(Object.keys(declaredProperties));
      for (const [key, value] of Object.entries(properties))
        expect(value, `${name}.${key}`).toBe(instance[key as keyof typeof instance]);
    }
    expect([...stack.linkWraps.keys()].sort()).toEqual([
      "sst.aws.ApiGatewayWebSocket",
      "sst.aws.Dynamo",
      "sst.aws.Queue",
    ]);
  });
});

describe("stages", () => {
  it("treat production and prod as production, nothing else", () => {
    expect(isProductionStage("production")).toBe(true);
    expect(isProductionStage("prod")).toBe(true);
    for (const stage of ["ci", "dev", "frank", "Production", "prod2"])
      expect(isProductionStage(stage)).toBe(false);
  });
});
