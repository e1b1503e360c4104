import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityProperties } from "../identity-config";
import { isProductionStage } from "../stage";
import { infraSources, repoRoot, stripComments } from "./support";

/** `new sst.aws.X("Name", ...)` / `new sst.X("Name", ...)` in infra, as { Name: "sst.aws.X" | "sst.X" }. */
const components = Object.fromEntries(
  infraSources().flatMap(({ text }) =>
    [...stripComments(text).matchAll(/new (sst\.(?:aws\.)?\w+)\("(\w+)"/g)].map(
      (m) => [m[2]!, m[1]!] as const,
    ),
  ),
);

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
      Object.fromEntries([...m[2]!.matchAll(/"(\w+)": ("[^"]+"|string)/g)].map((p) => [p[1]!, p[2]!])),
    ]),
  );
}

describe("resource names", () => {
  it("are exactly Table, Realtime, Api, Web, AuthSecret and Identity, of the expected components", () => {
    expect(components).toEqual({
      Table: "sst.aws.Dynamo",
      Realtime: "sst.aws.ApiGatewayWebSocket",
      Api: "sst.aws.ApiGatewayV2",
      Web: "sst.aws.StaticSite",
      AuthSecret: "sst.Secret",
      Identity: "sst.Linkable",
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
      Identity: {
        issuer: "string",
        oidcAudience: "string",
        oidcIssuer: "string",
        oidcJwksUrl: "string",
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

  it("keep the properties infra/links.ts links (what handlers read at run time)", () => {
    const links = stripComments(infraSources().find((s) => s.path === "infra/links.ts")!.text);
    expect(links).toMatch(/properties: \{ name: table\.name \}/);
    expect(links).toMatch(/properties: \{ url: api\.url, managementEndpoint: api\.managementEndpoint \}/);
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
