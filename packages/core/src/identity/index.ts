export { displayName } from "./display-name";
export { bearerToken, createIdentity, GUEST_TOKEN_TTL_SECONDS, userIdSchema, type Identity, type IdentityConfig } from "./tokens";
export { sessionInput, startSession } from "./session";
