export { displayName } from "./display-name";
export { sessionInput, startSession } from "./session";
export {
  bearerToken,
  bearerTokenExpiry,
  createIdentity,
  GUEST_TOKEN_TTL_SECONDS,
  type Identity,
  type IdentityConfig,
  userIdSchema,
} from "./tokens";
export { isGuestUserId } from "./user-id";
