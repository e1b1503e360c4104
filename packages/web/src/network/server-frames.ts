import { leftWith, membershipAfter } from "./presence";
import type { ServerFrame } from "./protocol";
import { readFrom } from "./read-receipts";
import type { Refusals } from "./refusals";
import type { RoomMessages } from "./room-messages";
import type { RoomStore } from "./room-store";
import type { RoomSync } from "./room-sync";
import type { RoomTodos } from "./room-todos";
import type { SocketLifecycle } from "./socket-lifecycle";
import type { Typists } from "./typing";

/** The parts of the connection the server's frames go to. */
export interface ServerFramesOptions {
  store: RoomStore;
  /** Our userId: which read positions are ours. */
  userId: string;
  sync: RoomSync;
  messages: RoomMessages;
  todos: RoomTodos;
  typists: Typists;
  refusals: Refusals;
  socket: Pick<SocketLifecycle, "end">;
}

/** The frames that come from the server, each handed to the part of the connection it concerns. */
export class ServerFrames {
  readonly #options: ServerFramesOptions;

  constructor(options: ServerFramesOptions) {
    this.#options = options;
  }

  /** One frame off the socket; anything that is not a frame is ignored. */
  receive(data: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return;
    this.#apply(frame);
  }

  #apply(frame: ServerFrame): void {
    const { store, userId, sync, messages, todos, typists, refusals } = this.#options;
    switch (frame.type) {
      case "snapshot":
        sync.snapshotFrame(frame);
        break;
      case "message":
        // Their message is what they were typing.
        typists.stopped(frame.message.authorId);
        messages.received([frame.message]);
        break;
      case "messageUpdated":
        messages.updated(frame.message);
        break;
      case "messageDeleted":
        messages.deleted(frame.messageId);
        break;
      case "reactions":
        messages.reactions(frame.messageId, frame.reactions);
        break;
      case "read":
        store.apply(readFrom(store.state, userId, frame));
        break;
      case "typing":
        typists.typing(frame.member);
        break;
      case "todo":
        todos.received(frame);
        break;
      case "todoDeleted":
        todos.removed(frame.todoId);
        break;
      case "memberJoined":
      case "memberLeft":
      case "presence":
        for (const left of leftWith(frame)) typists.stopped(left);
        store.apply(membershipAfter(store.state, frame));
        break;
      case "error":
        refusals.received(frame);
        break;
      case "removed":
        // Sent just before the server closes the socket of a member the owner removed: no reconnect.
        this.#options.socket.end("removed");
        break;
      case "pong":
        sync.noteServerSeq(frame.lastSeq);
        break;
    }
  }
}
