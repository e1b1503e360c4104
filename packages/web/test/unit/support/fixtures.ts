import type { Member, Message, Room, Snapshot, Todo } from "../../../src/network/protocol";

/** A 26-character id that sorts by `n`, like the server's ULIDs. */
export const id = (n: number) => String(n).padStart(26, "0");

export const ROOM_ID = "01JROOM0000000000000000000";
export const room: Room = {
  roomId: ROOM_ID,
  name: "Trip",
  createdAt: "2025-01-01T00:00:00.000Z",
  visibility: "public",
  lastSeq: 0,
};

/** userIds: Ana is the person whose connection the tests drive; Bo writes the other messages. */
export const ANA = "user-ana";
export const BO = "user-bo";

/** The room's n-th message: seq n (ids sort the same way). */
export const message = (n: number, extra: Partial<Message> = {}): Message => ({
  messageId: id(n),
  roomId: ROOM_ID,
  seq: n,
  mentions: [],
  clientMessageId: `other-${n}`,
  authorId: BO,
  author: "Bo",
  text: `message ${n}`,
  sentAt: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
  ...extra,
});

/** The n-th todo: its position sorts by `n` too (fractional indexes are plain strings). */
export const todo = (n: number, extra: Partial<Todo> = {}): Todo => ({
  todoId: id(1000 + n),
  roomId: ROOM_ID,
  title: `todo ${n}`,
  done: false,
  version: 1,
  position: `a${String(n).padStart(4, "0")}`,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  ...extra,
});

export const member = (n: number, name = `person ${n}`, userId = `user-${n}`): Member => ({
  memberId: `m${n}`,
  userId,
  name,
  connectedAt: "2025-01-01T00:00:00.000Z",
});

export const snapshot = (extra: Partial<Snapshot> = {}): Snapshot & { type: "snapshot" } => ({
  type: "snapshot",
  room,
  todos: [],
  members: [],
  memberCount: 0,
  messages: [],
  hasMore: false,
  readSeq: 0,
  reads: [],
  ...extra,
});
