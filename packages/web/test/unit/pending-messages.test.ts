import { describe, expect, it } from "vitest";
import {
  messageRefusal,
  nextToSend,
  sendingIds,
  sendMessageFrame,
  setPendingState,
  settlePending,
} from "../../src/network/pending-messages";
import type { PendingMessage } from "../../src/network/room-state";
import { message } from "./support/fixtures";

const pending = (clientMessageId: string, state: PendingMessage["state"], mentions: string[] = []) =>
  ({
    clientMessageId,
    text: `text ${clientMessageId}`,
    mentions,
    author: "Ana",
    createdAt: "",
    state,
  }) as const;

describe("pending messages", () => {
  it("refuses empty, too long, and over-mentioning text, saying which", () => {
    expect(messageRefusal("  ", [])).toBe("empty");
    expect(messageRefusal("x".repeat(4001), [])).toBe("tooLong");
    expect(
      messageRefusal(
        "hi",
        Array.from({ length: 21 }, (_, i) => `u${i}`),
      ),
    ).toBe("tooManyMentions");
    expect(messageRefusal("x".repeat(4000), [])).toBeNull();
  });

  it("moves only the named entries, only from the given state, and keeps the list when nothing moved", () => {
    const list = [pending("a", "sending"), pending("b", "queued")];
    expect(setPendingState(list, ["a", "b"], "failed", "sending").map((p) => p.state)).toEqual([
      "failed",
      "queued",
    ]);
    expect(setPendingState(list, ["b"], "queued")).toBe(list);
    expect(setPendingState(list, [], "failed")).toBe(list);
    expect(sendingIds(list)).toEqual(["a"]);
  });

  it("settles the entries whose copy came back, by clientMessageId", () => {
    const list = [pending("a", "sending"), pending("b", "sending")];
    expect(settlePending(list, [message(1, { clientMessageId: "a" })]).map((p) => p.clientMessageId)).toEqual(
      ["b"],
    );
    expect(settlePending(list, [message(1)])).toBe(list);
  });

  it("picks the oldest queued message to send next, and none while one is on the wire", () => {
    expect(
      nextToSend([pending("a", "failed"), pending("b", "queued"), pending("c", "queued")])?.clientMessageId,
    ).toBe("b");
    expect(nextToSend([pending("a", "queued"), pending("b", "sending")])).toBeNull();
    expect(nextToSend([pending("a", "failed")])).toBeNull();
  });

  it("sends mentions only when there are some", () => {
    expect(sendMessageFrame(pending("a", "queued"))).toEqual({
      action: "sendMessage",
      text: "text a",
      clientMessageId: "a",
    });
    expect(sendMessageFrame(pending("b", "queued", ["u1"])).mentions).toEqual(["u1"]);
  });
});
