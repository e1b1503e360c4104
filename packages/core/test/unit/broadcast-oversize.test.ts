import { describe, expect, it } from "vitest";
import {
  broadcastToRoom,
  type ConnectionSender,
  sendToConnection,
  serializeFrame,
} from "../../src/broadcast";
import type { Db } from "../../src/db";
import { PayloadTooLargeError } from "../../src/errors";
import { MAX_SERVER_FRAME_BYTES, type ServerFrame } from "../../src/protocol";

/** A Db that fails the test if anything touches it: oversize must be refused before any read or write. */
const untouchableDb = new Proxy({} as Db, {
  get(_, key) {
    throw new Error(`the database was used (${String(key)})`);
  },
});

function recordingSender() {
  const sent: string[] = [];
  const sender: ConnectionSender = {
    async send({ connectionId }) {
      sent.push(connectionId);
      return { status: "delivered" };
    },
  };
  return { sender, sent };
}

/** An error frame whose JSON is exactly `bytes` long (the message is ASCII). */
function frameOfBytes(bytes: number): ServerFrame {
  const empty = JSON.stringify({ type: "error", code: "internal", message: "" }).length;
  return { type: "error", code: "internal", message: "x".repeat(bytes - empty) };
}

describe("oversized frames", () => {
  it("allows exactly 128 KB and refuses one byte more, counting UTF-8 bytes, not characters", () => {
    expect(serializeFrame(frameOfBytes(MAX_SERVER_FRAME_BYTES)).byteLength).toBe(MAX_SERVER_FRAME_BYTES);
    expect(() => serializeFrame(frameOfBytes(MAX_SERVER_FRAME_BYTES + 1))).toThrow(PayloadTooLargeError);
    // 50,000 three-byte characters: 150 KB although the string is shorter than 128 K characters.
    const wide: ServerFrame = { type: "error", code: "internal", message: "€".repeat(50_000) };
    expect(() => serializeFrame(wide)).toThrow(PayloadTooLargeError);
  });

  it("broadcastToRoom and sendToConnection refuse with too_large before touching the table or the sender", async () => {
    const { sender, sent } = recordingSender();
    const frame = frameOfBytes(MAX_SERVER_FRAME_BYTES + 1);
    await expect(broadcastToRoom(untouchableDb, { roomId: "r", frame, sender })).rejects.toMatchObject({
      name: "PayloadTooLargeError",
      code: "too_large",
    });
    await expect(
      sendToConnection(untouchableDb, { connectionId: "c", frame, sender }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(sent).toEqual([]);
  });
});
