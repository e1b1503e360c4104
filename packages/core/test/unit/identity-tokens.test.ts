import { randomBytes } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { UnauthorizedError, ValidationError } from "../../src/errors";
import { bearerToken, createIdentity, GUEST_TOKEN_TTL_SECONDS, startSession } from "../../src/identity";

const secret = randomBytes(32).toString("base64url");
const issuer = "rooms-test";
const identity = createIdentity({ secret, issuer });
const ann = { userId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4A", name: "Ann" };

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A guest-shaped token signed with `key` (the stage secret unless given). Claims given override the defaults;
 * a claim given as `undefined` is left out of the token.
 */
async function signGuest(
  claims: Record<string, unknown>,
  { key = secret, alg = "HS256" }: { key?: string; alg?: string } = {},
) {
  const payload = {
    iss: issuer,
    aud: issuer,
    sub: ann.userId,
    name: "Ann",
    iat: nowSeconds(),
    exp: nowSeconds() + 3600,
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(key));
}

const refusal = async (token: string) => {
  const error = await identity.verify(token).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `token should be refused: ${token.slice(0, 40)}…`).toBeInstanceOf(UnauthorizedError);
  expect(error).toMatchObject({ code: "unauthorized", status: 401 });
  return error as UnauthorizedError;
};

describe("guest tokens", () => {
  it("round trip: what is issued verifies to the same user", async () => {
    const { token, expiresAt } = await identity.issue(ann);
    expect(await identity.verify(token)).toEqual(ann);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: issuer, aud: issuer, sub: ann.userId, name: "Ann" });
    expect(claims.exp! - claims.iat!).toBe(GUEST_TOKEN_TTL_SECONDS);
    expect(new Date(expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it("last 30 days from `now`: valid on day 29, refused after day 30", async () => {
    const day = 24 * 60 * 60 * 1000;
    const recent = await identity.issue(ann, new Date(Date.now() - 29 * day));
    expect(await identity.verify(recent.token)).toEqual(ann);
    expect(new Date(recent.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const old = await identity.issue(ann, new Date(Date.now() - 30 * day - 5_000));
    expect(new Date(old.expiresAt).getTime()).toBeLessThan(Date.now());
    await refusal(old.token);
  });

  it("refuse a token whose exp has just passed", async () => {
    await refusal(await signGuest({ exp: nowSeconds() - 1 }));
  });

  it.each([
    ["empty", ""],
    ["garbage", "not-a-token"],
    ["two parts", "abc.def"],
    ["four parts", "a.b.c.d"],
    ["non-JSON parts", "aGVsbG8.d29ybGQ.c2ln"],
    [
      "JSON that is not an object",
      `${b64url({ alg: "HS256" })}.${Buffer.from("[1]").toString("base64url")}.sig`,
    ],
  ])("refuse a malformed token (%s)", async (_, token) => {
    await refusal(token);
  });

  it("refuse a token signed with another secret (forged signature)", async () => {
    const other = createIdentity({ secret: randomBytes(32).toString("base64url"), issuer });
    const { token } = await other.issue(ann);
    await refusal(token);
    await refusal(await signGuest({}, { key: "x".repeat(32) }));
  });

  it("refuse a token whose payload was changed after signing", async () => {
    const { token } = await identity.issue(ann);
    const [header, , signature] = token.split(".");
    const changed = `${header}.${b64url({ ...decodeJwt(token), sub: "01JP3Q8Z5K7V2M4N6R8T0W2Y4B", name: "Mallory" })}.${signature}`;
    await refusal(changed);
  });

  it("refuse an unsigned token (alg: none), with or without a trailing signature part", async () => {
    const payload = b64url({
      iss: issuer,
      aud: issuer,
      sub: ann.userId,
      name: "Ann",
      exp: nowSeconds() + 3600,
      iat: nowSeconds(),
    });
    for (const header of [{ alg: "none" }, { alg: "none", typ: "JWT" }, { alg: "None" }, { alg: "NONE" }]) {
      await refusal(`${b64url(header)}.${payload}.`);
      await refusal(`${b64url(header)}.${payload}`);
    }
  });

  it("refuse other HMAC algorithms even with the right secret (only HS256 is issued)", async () => {
    await refusal(await signGuest({}, { alg: "HS512" }));
    await refusal(await signGuest({}, { alg: "HS384" }));
  });

  it("refuse a token of another stage (wrong issuer), even signed with the same secret", async () => {
    const otherStage = createIdentity({ secret, issuer: "rooms-prod" });
    await refusal((await otherStage.issue(ann)).token);
    await refusal(await signGuest({ iss: "someone-else" }));
  });

  it("refuse a token for another audience", async () => {
    await refusal(await signGuest({ aud: "another-app" }));
    await refusal(await signGuest({ aud: undefined }));
  });

  it("refuse a token without exp (it would never expire)", async () => {
    await refusal(await signGuest({ exp: undefined }));
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["with a space", "ann smith"],
    ["with a slash", "../../rooms"],
    ["with a hash (a key separator)", "u#1"],
    ["over 128 characters", "u".repeat(129)],
    ["a number", 42],
  ])("refuse a token whose sub is not a usable user id (%s)", async (_, sub) => {
    const token = await signGuest({ sub });
    if (sub === undefined) expect(decodeJwt(token)).not.toHaveProperty("sub");
    await refusal(token);
  });

  it("accept an id with the characters OIDC subjects use", async () => {
    for (const sub of [
      "0b6f5c1e-8d3a-4f2e-9a7b-1c2d3e4f5a6b",
      "google-oauth2|1234567890",
      "user@example.com",
      "a".repeat(128),
    ]) {
      expect(await identity.verify(await signGuest({ sub }))).toEqual({ userId: sub, name: "Ann" });
    }
  });

  it("replace a name claim that is not a valid display name, rather than trusting it", async () => {
    expect((await identity.verify(await signGuest({ name: "\u202eevil" }))).name).toBe("Member");
    expect((await identity.verify(await signGuest({ name: "" }))).name).toBe("Member");
    expect((await identity.verify(await signGuest({ name: "  ｆｕｌｌ  " }))).name).toBe("full");
  });

  it("never verify with a secret shorter than 32 characters", () => {
    expect(() => createIdentity({ secret: "x".repeat(31), issuer })).toThrow(/32/);
    expect(() => createIdentity({ secret: "x".repeat(32), issuer })).not.toThrow();
  });
});

describe("bearerToken", () => {
  it("takes the token of a Bearer header, scheme in any case, surrounding spaces tolerated", () => {
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("BEARER abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("Bearer   abc.def.ghi  ")).toBe("abc.def.ghi");
    expect(bearerToken("Bearer dG9rZW4=")).toBe("dG9rZW4=");
  });

  it.each([
    ["no header", undefined],
    ["empty", ""],
    ["scheme only", "Bearer"],
    ["scheme and space", "Bearer "],
    ["Basic", "Basic dXNlcjpwYXNz"],
    ["Token", "Token abc.def.ghi"],
    ["no scheme", "abc.def.ghi"],
    ["two tokens", "Bearer abc def"],
    ["scheme glued to the token", "Bearerabc.def.ghi"],
    ["characters outside token68", "Bearer abc,def"],
    ["a second header value", "Bearer abc, Bearer def"],
    ["a newline", "Bearer abc\ndef"],
  ])("is null for %s", (_, header) => {
    expect(bearerToken(header)).toBeNull();
  });
});

describe("startSession", () => {
  it("a new guest gets a fresh userId, the normalised name and a token for both", async () => {
    const now = new Date();
    const a = await startSession(identity, { input: { name: " ｆｕｌｌ " }, now });
    const b = await startSession(identity, { input: { name: "full" }, now });
    expect(a.user).toEqual({ userId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), name: "full" });
    expect(b.user.userId).not.toBe(a.user.userId);
    expect(await identity.verify(a.token)).toEqual(a.user);
    expect(a.expiresAt).toBe(
      new Date((Math.floor(now.getTime() / 1000) + GUEST_TOKEN_TTL_SECONDS) * 1000).toISOString(),
    );
  });

  it("a signed-in caller keeps their userId under the new name; the old token still names the old name", async () => {
    const first = await startSession(identity, { input: { name: "Ann" } });
    const renamed = await startSession(identity, { input: { name: "Annie" }, caller: first.user });
    expect(renamed.user).toEqual({ userId: first.user.userId, name: "Annie" });
    expect(await identity.verify(renamed.token)).toEqual(renamed.user);
    expect(await identity.verify(first.token)).toEqual(first.user);
  });

  it("refuses a bad display name with a ValidationError and issues nothing", async () => {
    await expect(startSession(identity, { input: { name: "\u200b\u200b" } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      startSession(identity, { input: { name: "x".repeat(41) }, caller: ann }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(startSession(identity, { input: {} as { name: string } })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
