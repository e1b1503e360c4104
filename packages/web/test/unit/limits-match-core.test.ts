import { displayName } from "@rooms/core/identity";
import { clientFrameSchemas, MAX_CLIENT_FRAME_BYTES } from "@rooms/core/protocol";
import { describe, expect, it } from "vitest";
import { limits } from "../../src/network/limits";
import { normaliseDisplayName } from "../../src/session/stored-session";

// The web bundle repeats the contract's limits instead of importing zod; these checks keep them in step.
describe("limits", () => {
  it("match the frame schemas in @rooms/core", () => {
    const send = (text: string) =>
      clientFrameSchemas.sendMessage.safeParse({ action: "sendMessage", text, clientMessageId: "c1" })
        .success;
    expect(send("x".repeat(limits.messageText))).toBe(true);
    expect(send("x".repeat(limits.messageText + 1))).toBe(false);
    const add = (title: string) => clientFrameSchemas.addTodo.safeParse({ action: "addTodo", title }).success;
    expect(add("x".repeat(limits.todoTitle))).toBe(true);
    expect(add("x".repeat(limits.todoTitle + 1))).toBe(false);
    const clientId = (id: string) =>
      clientFrameSchemas.sendMessage.safeParse({ action: "sendMessage", text: "t", clientMessageId: id })
        .success;
    expect(clientId("c".repeat(limits.clientId))).toBe(true);
    expect(clientId("c".repeat(limits.clientId + 1))).toBe(false);
    expect(limits.clientFrameBytes).toBe(MAX_CLIENT_FRAME_BYTES);
  });

  // Runs once @rooms/core's sendMessage schema knows `mentions` (the backend half of the same issue).
  const coreKnowsMentions = "mentions" in clientFrameSchemas.sendMessage.shape;
  it.skipIf(!coreKnowsMentions)("allows as many mentions as @rooms/core does", () => {
    const send = (count: number) =>
      clientFrameSchemas.sendMessage.safeParse({
        action: "sendMessage",
        text: "t",
        clientMessageId: "c1",
        mentions: Array.from({ length: count }, (_, i) => `user-${i}`),
      }).success;
    expect(send(limits.mentions)).toBe(true);
    expect(send(limits.mentions + 1)).toBe(false);
  });

  it("the longest message still fits in one frame", () => {
    const worst = JSON.stringify({
      action: "sendMessage",
      text: "\u0001".repeat(limits.messageText),
      clientMessageId: "c".repeat(limits.clientId),
      mentions: Array.from({ length: limits.mentions }, () => "u".repeat(64)),
    });
    expect(new TextEncoder().encode(worst).byteLength).toBeLessThanOrEqual(limits.clientFrameBytes);
  });

  it("the name form counts a display name as the server does (NFKC, trimmed, code points)", () => {
    for (const raw of [
      " Ana ",
      "😀".repeat(limits.displayName),
      "😀".repeat(limits.displayName + 1),
      "ﬁ".repeat(20),
      "Ａ".repeat(limits.displayName),
    ]) {
      const { name, length } = normaliseDisplayName(raw);
      const server = displayName.safeParse(raw);
      expect(server.success).toBe(length <= limits.displayName);
      if (server.success) expect(server.data).toBe(name);
    }
  });
});
