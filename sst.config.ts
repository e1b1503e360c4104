/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Wiring only: every resource is defined and exported by a module in infra/ (house style 12). SST evaluates this
 * file itself, so modules are imported inside app()/run(), never at the top.
 */
export default $config({
  async app(input) {
    const { isProductionStage } = await import("./infra/stage");
    const production = isProductionStage(input.stage);
    return {
      name: "realtime-rooms",
      home: "aws",
      // Production keeps its resources on `sst remove` and cannot be removed at all until `protect` is lifted.
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    const { table } = await import("./infra/table");
    const { realtime } = await import("./infra/realtime");
    await import("./infra/workers");
    const { api } = await import("./infra/api");
    const { web } = await import("./infra/web");
    const { identity } = await import("./infra/identity");
    return {
      api: api.url,
      realtime: realtime.url,
      web: web.url,
      table: table.name,
      // Printed so every deploy shows which OIDC issuer the stage trusts (docs/deploy.md, "Identity").
      oidcIssuer: identity.properties.oidcIssuer || "none (guest tokens only)",
    };
  },
});
