import type { SnapshotPart, Todo } from "./protocol";
import { othersReads } from "./read-receipts";
import type { RoomState } from "./room-state";

/**
 * What a whole snapshot (parts already joined) changes besides its messages: the room, todos, members and read
 * positions. A field missing from every part keeps what we had. The first snapshot also places the "New
 * messages" divider; the newest page (`newestPage`: the answer to a sync without `afterSeq`) says where older
 * history starts. `todos` turns the snapshot's todo list into the one to show.
 */
export function snapshotPatch(
  state: RoomState,
  snapshot: SnapshotPart,
  {
    userId,
    newestPage,
    todos,
  }: { userId: string; newestPage: boolean; todos: (todos: readonly Todo[]) => readonly Todo[] },
): Partial<RoomState> {
  const messages = snapshot.messages ?? [];
  const readSeq = snapshot.readSeq;
  const members = snapshot.members ?? state.members;
  return {
    synced: true,
    room: snapshot.room ?? state.room,
    todos: snapshot.todos ? todos(snapshot.todos) : state.todos,
    members,
    memberCount: snapshot.memberCount ?? (snapshot.members ? members.length : state.memberCount),
    readSeq: Math.max(state.readSeq, readSeq ?? 0),
    reads: othersReads(state.reads, snapshot.reads ?? [], userId),
    ...(!state.synced &&
      typeof readSeq === "number" && {
        unreadAfter: messages.some((m) => m.seq > readSeq && m.authorId !== userId) ? readSeq : null,
      }),
    ...(newestPage && {
      older: { cursor: snapshot.hasMore ? (messages[0]?.seq ?? null) : null, loading: false, error: null },
    }),
  };
}
