import { describe, expect, it } from "vitest";
import { defaultJwksUrl, guestTokenIssuer, identityProperties, oidcFromEnv } from "../identity-config";
import { AUTH_SECRET, IDENTITY, recordAuthorizer, recordWiring } from "./support";

const COGNITO = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";

describe("the guest-token issuer", () => {
  it("is per app and stage", () => {
    expect(guestTokenIssuer({ name: "realtime-rooms", stage: "prod" })).toBe("rooms-realtime-rooms-prod");
    expect(guestTokenIssuer({ name: "realtime-rooms", stage: "pr-42" })).not.toBe(
      guestTokenIssuer({ name: "realtime-rooms", stage: "prod" }),
    );
  });
});

describe("the OIDC issuer from the deploy environment", () => {
  it("is none when no OIDC_* variable is set (empty or blank counts as unset)", () => {
    expect(oidcFromEnv({})).toBeNull();
    expect(oidcFromEnv({ OIDC_ISSUER: "", OIDC_AUDIENCE: "  ", OIDC_JWKS_URL: "" })).toBeNull();
    expect(identityProperties({ issuer: "rooms-realtime-rooms-dev", oidc: oidcFromEnv({}) })).toEqual({
      issuer: "rooms-realtime-rooms-dev",
      oidcIssuer: "",
      oidcAudience: "",
      oidcJwksUrl: "",
    });
  });

  it("takes issuer and audience as given, and the JWKS URL at <issuer>/.well-known/jwks.json by default", () => {
    const oidc = oidcFromEnv({ OIDC_ISSUER: COGNITO, OIDC_AUDIENCE: "4tq1client" });
    expect(oidc).toEqual({
      issuer: COGNITO,
      audience: "4tq1client",
      jwksUrl: `${COGNITO}/.well-known/jwks.json`,
    });
    expect(identityProperties({ issuer: "rooms-realtime-rooms-prod", oidc })).toEqual({
      issuer: "rooms-realtime-rooms-prod",
      oidcIssuer: COGNITO,
      oidcAudience: "4tq1client",
      oidcJwksUrl: `${COGNITO}/.well-known/jwks.json`,
    });
  });

  it("keeps an issuer's trailing slash (tokens must match it exactly) but not in the default JWKS URL", () => {
    const oidc = oidcFromEnv({ OIDC_ISSUER: "https://tenant.auth0.com/", OIDC_AUDIENCE: "rooms" });
    expect(oidc?.issuer).toBe("https://tenant.auth0.com/");
    expect(oidc?.jwksUrl).toBe("https://tenant.auth0.com/.well-known/jwks.json");
    expect(defaultJwksUrl("https://a.example//")).toBe("https://a.example/.well-known/jwks.json");
  });

  it("uses OIDC_JWKS_URL when set", () => {
    const oidc = oidcFromEnv({
      OIDC_ISSUER: "https://accounts.google.com",
      OIDC_AUDIENCE: "123.apps.googleusercontent.com",
      OIDC_JWKS_URL: "https://www.googleapis.com/oauth2/v3/certs",
    });
    expect(oidc?.jwksUrl).toBe("https://www.googleapis.com/oauth2/v3/certs");
  });

  it("refuses a half-set or insecure configuration instead of deploying it", () => {
    expect(() => oidcFromEnv({ OIDC_ISSUER: COGNITO })).toThrow(/OIDC_AUDIENCE is not/);
    expect(() => oidcFromEnv({ OIDC_AUDIENCE: "client" })).toThrow(/OIDC_ISSUER is not/);
    expect(() => oidcFromEnv({ OIDC_JWKS_URL: `${COGNITO}/.well-known/jwks.json` })).toThrow(
      /OIDC_ISSUER is not/,
    );
    expect(() => oidcFromEnv({ OIDC_ISSUER: "http://id.example.com", OIDC_AUDIENCE: "c" })).toThrow(
      /OIDC_ISSUER must be an https URL/,
    );
    expect(() => oidcFromEnv({ OIDC_ISSUER: "not a url", OIDC_AUDIENCE: "c" })).toThrow(/https URL/);
    expect(() =>
      oidcFromEnv({ OIDC_ISSUER: COGNITO, OIDC_AUDIENCE: "c", OIDC_JWKS_URL: "http://keys" }),
    ).toThrow(/OIDC_JWKS_URL must be an https URL/);
  });

  it("cannot be the stage's own guest issuer", () => {
    const oidc = { issuer: "rooms-x-y", audience: "a", jwksUrl: "https://k" };
    expect(() => identityProperties({ issuer: "rooms-x-y", oidc })).toThrow(/cannot be the stage's own/);
  });
});

describe("AuthSecret and Identity", () => {
  it("are linked to every HTTP route's function, to no WebSocket route and not to the authorizer", () => {
    const http = recordWiring("http").calls;
    expect(http.length).toBeGreaterThan(0);
    for (const { routeKey, handler } of http) {
      expect(handler.link, routeKey).toContain(AUTH_SECRET);
      expect(handler.link, routeKey).toContain(IDENTITY);
    }
    for (const { routeKey, handler } of recordWiring("websocket").calls) {
      expect(handler.link, routeKey).not.toContain(AUTH_SECRET);
      expect(handler.link, routeKey).not.toContain(IDENTITY);
    }
    for (const { function: fn } of recordAuthorizer().calls) {
      expect(fn.link).not.toContain(AUTH_SECRET);
      expect(fn.link).not.toContain(IDENTITY);
    }
  });
});
