import { describe, expect, it } from "vitest";
import { advanceRead, contiguousEnd, joinSnapshotParts, mergeMessages } from "../../src/network/room-state";
import { message, room, todo } from "./support/fixtures";

const at = (...seqs: number[]) => seqs.map((n) => message(n));

describe("room state helpers", () => {
  it("contiguousEnd: how far the held seqs run on without a hole", () => {
    expect(contiguousEnd([], 0)).toBe(0);
    expect(contiguousEnd(at(1, 2, 3), 0)).toBe(3);
    expect(contiguousEnd(at(1, 2, 4, 5), 0)).toBe(2);
    expect(contiguousEnd(at(1, 2, 4, 5), 3)).toBe(5);
    expect(contiguousEnd(at(7, 8), 5)).toBe(5);
    expect(contiguousEnd(at(7, 8), 10)).toBe(10);
  });

  it("mergeMessages: seq order, each seq and messageId once, the same array when nothing is new", () => {
    const current = at(2, 4);
    expect(mergeMessages(current, at(4)).map((m) => m.seq)).toEqual([2, 4]);
    expect(mergeMessages(current, at(4))).toBe(current);
    expect(mergeMessages(current, at(5, 3, 1)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeMessages(current, [message(9, { messageId: message(2).messageId })])).toBe(current);
  });

  it("joinSnapshotParts: sliced lists joined in part order, repeated fields from the last part that has them", () => {
    const reads = [{ userId: "u", seq: 1 }];
    const joined = joinSnapshotParts([
      { part: 2, last: true, messages: at(3), todos: [todo(2)], hasMore: false, readSeq: 4, reads },
      {
        part: 1,
        last: false,
        room,
        messages: at(1, 2),
        todos: [todo(1)],
        members: [],
        memberCount: 2,
        hasMore: true,
        reads,
      },
    ]);
    expect(joined.messages?.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(joined.todos?.map((t) => t.todoId)).toEqual([todo(1).todoId, todo(2).todoId]);
    expect(joined).toMatchObject({
      room,
      memberCount: 2,
      hasMore: false,
      readSeq: 4,
      reads: [{ userId: "u", seq: 1 }],
    });
  });

  it("advanceRead: forward only, one entry per user", () => {
    const reads = [{ userId: "a", seq: 3 }];
    expect(advanceRead(reads, { userId: "a", seq: 2 })).toBe(reads);
    expect(advanceRead(reads, { userId: "a", seq: 5 })).toEqual([{ userId: "a", seq: 5 }]);
    expect(advanceRead(reads, { userId: "b", seq: 1 })).toEqual([...reads, { userId: "b", seq: 1 }]);
  });
});
