/**
 * A random id for `clientMessageId` / `clientTodoId`: 16 random bytes as 32 hex characters (128 bits, every
 * byte used whole, so no bias). getRandomValues rather than randomUUID, because randomUUID exists only in
 * secure contexts and the app may be opened over plain http (a phone on the LAN).
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
