import { describe, expect, it } from "vitest";
import { managementEndpointFromEvent } from "../../src/broadcast";

const execApi = "abc123.execute-api.eu-west-1.amazonaws.com";

describe("managementEndpointFromEvent", () => {
  it("prefers the configured endpoint (SST's managementEndpoint), keeping its stage path", () => {
    expect(
      managementEndpointFromEvent({
        configured: `https://${execApi}/prod`,
        requestContext: { domainName: "other.example.com", stage: "dev" },
      }),
    ).toBe(`https://${execApi}/prod`);
  });

  it("normalizes a configured value: trailing slash, wss scheme, an explicit /@connections suffix", () => {
    expect(managementEndpointFromEvent({ configured: `https://${execApi}/prod/` })).toBe(
      `https://${execApi}/prod`,
    );
    expect(managementEndpointFromEvent({ configured: `wss://${execApi}/prod` })).toBe(
      `https://${execApi}/prod`,
    );
    expect(managementEndpointFromEvent({ configured: `https://${execApi}/prod/@connections` })).toBe(
      `https://${execApi}/prod`,
    );
  });

  it("keeps a custom domain's (multi-level) mapping path", () => {
    expect(managementEndpointFromEvent({ configured: "https://ws.example.com/realtime/v1" })).toBe(
      "https://ws.example.com/realtime/v1",
    );
  });

  it("builds https://domainName/stage from the event when nothing is configured", () => {
    expect(managementEndpointFromEvent({ requestContext: { domainName: execApi, stage: "prod" } })).toBe(
      `https://${execApi}/prod`,
    );
  });

  it("uses plain http for the local gateway on loopback", () => {
    expect(
      managementEndpointFromEvent({ requestContext: { domainName: "127.0.0.1:3001", stage: "local" } }),
    ).toBe("http://127.0.0.1:3001/local");
    expect(
      managementEndpointFromEvent({ requestContext: { domainName: "localhost:3001", stage: "local" } }),
    ).toBe("http://localhost:3001/local");
  });

  it("refuses when there is nothing to resolve from", () => {
    expect(() => managementEndpointFromEvent({})).toThrow(/No management endpoint/);
    expect(() => managementEndpointFromEvent({ configured: "  " })).toThrow(/No management endpoint/);
    expect(() => managementEndpointFromEvent({ configured: "ftp://x/y" })).toThrow(/http/);
  });
});
