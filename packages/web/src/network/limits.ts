/**
 * The contract's limits, repeated here so the web bundle need not carry zod; a unit test checks them against
 * the schemas in @rooms/core.
 */
export const limits = {
  displayName: 40,
  roomName: 80,
  messageText: 4000,
  todoTitle: 200,
  clientId: 64,
  /** userIds in one message's `mentions`. */
  mentions: 20,
  /** API Gateway refuses client frames over 32 KB and closes the socket (1009). */
  clientFrameBytes: 32 * 1024,
} as const;

/** Whether a client frame's JSON fits API Gateway's limit (a larger one closes the socket: 1009). */
export const fitsClientFrame = (data: string): boolean =>
  new TextEncoder().encode(data).byteLength <= limits.clientFrameBytes;
