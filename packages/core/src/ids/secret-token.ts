import { randomBytes } from "node:crypto";

/** An unguessable token (invite codes, connect tickets): `bytes` of CSPRNG output, base64url, no padding. */
export function newSecretToken(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}

/** The shape of a token from newSecretToken (16..64 bytes), checked before it reaches a key. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,86}$/;
