/**
 * A random id for `clientMessageId` / `clientTodoId` (22 base-36 characters, ~113 bits). Uses
 * getRandomValues, which unlike randomUUID also exists on plain-http origins such as a phone on the LAN.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = "";
  for (const byte of bytes) id += (byte % 36).toString(36);
  return `c${id}`.slice(0, 23);
}
