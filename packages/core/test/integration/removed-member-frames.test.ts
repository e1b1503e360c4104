import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { ForbiddenError } from "../../src/errors";
import { Membership } from "../../src/membership";
import { Message } from "../../src/message";
import {
  addTodo,
  answerPing,
  deleteMessage,
  deleteTodo,
  editMessage,
  forwardTyping,
  joinRoom,
  markRead,
  moveTodo,
  type RealtimeDeps,
  react,
  sendChatMessage,
  sendSnapshot,
  updateTodo,
} from "../../src/realtime";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { recordingSender } from "../support/recording-sender";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

// A removal that missed a socket (gsi1 lag, a failed close) leaves its connection record behind. The record must
// not be enough: every frame from it is refused `forbidden`, as sendMessage refuses a non-member, and does nothing.

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));
const { sender, sent, clear } = recordingSender();
beforeEach(clear);

const owner = newUser("Olga");

/** A room where `rex` has a live socket whose record outlived his removal; with a todo and a message of his. */
async function removedButConnected(visibility: "public" | "private") {
  const room = await Room.create(db, { input: { name: `missed ${visibility}`, visibility }, caller: owner });
  const { roomId } = room;
  const rex = newUser("Rex");
  await Membership.join(db, { room, user: rex });
  const ownerSocket = `olga-${visibility}=`;
  const rexSocket = `rex-${visibility}=`;
  for (const [connectionId, user] of [
    [ownerSocket, owner],
    [rexSocket, rex],
  ] as const)
    await joinRoom({ db, connectionId, claims: { ...user, roomId } });
  const { todo } = await Todo.add(db, { roomId, userId: rex.userId, title: "his todo" });
  const { message } = await Message.send(db, {
    roomId,
    authorId: rex.userId,
    author: rex.name,
    text: "his message",
    clientMessageId: "rex-1",
  });
  // The removal itself, without closing anything: what a missed close leaves.
  await Membership.remove(db, { input: { roomId, userId: rex.userId }, caller: owner });
  expect(await Connection.get(db, { connectionId: rexSocket })).not.toBeNull();
  const deps: RealtimeDeps = {
    db,
    delivery: { sender },
    connectionId: rexSocket,
    caller: { ...rex, roomId },
  };
  return { roomId, rex, todo, message, deps, ownerSocket };
}

const frames = (todoId: string, messageId: string) =>
  ({
    sendMessage: (deps: RealtimeDeps) =>
      sendChatMessage({
        ...deps,
        frame: { action: "sendMessage", text: "I am back", clientMessageId: "rex-2" },
      }),
    addTodo: (deps: RealtimeDeps) => addTodo({ ...deps, frame: { action: "addTodo", title: "sneaky" } }),
    updateTodo: (deps: RealtimeDeps) =>
      updateTodo({ ...deps, frame: { action: "updateTodo", todoId, version: 1, done: true } }),
    moveTodo: (deps: RealtimeDeps) =>
      moveTodo({ ...deps, frame: { action: "moveTodo", todoId, version: 1, after: null } }),
    deleteTodo: (deps: RealtimeDeps) =>
      deleteTodo({ ...deps, frame: { action: "deleteTodo", todoId, version: 1 } }),
    editMessage: (deps: RealtimeDeps) =>
      editMessage({ ...deps, frame: { action: "editMessage", messageId, text: "edited" } }),
    deleteMessage: (deps: RealtimeDeps) =>
      deleteMessage({ ...deps, frame: { action: "deleteMessage", messageId } }),
    react: (deps: RealtimeDeps) =>
      react({ ...deps, frame: { action: "react", messageId, emoji: "👍", on: true } }),
    sync: (deps: RealtimeDeps) => sendSnapshot({ ...deps, frame: { action: "sync" } }),
    markRead: (deps: RealtimeDeps) => markRead({ ...deps, frame: { action: "markRead", seq: 1 } }),
    typing: (deps: RealtimeDeps) => forwardTyping(deps),
    ping: (deps: RealtimeDeps) => answerPing(deps),
  }) as const;

describe("a removed member whose connection record survived", () => {
  for (const visibility of ["public", "private"] as const) {
    it(`has every frame refused forbidden, with nothing read out or changed (${visibility} room)`, async () => {
      const { roomId, todo, message, deps, ownerSocket } = await removedButConnected(visibility);
      const before = {
        todos: await Todo.list(db, { roomId }),
        messages: (await Message.historyItems(db, { roomId, limit: 10 })).items,
      };
      for (const [action, send] of Object.entries(frames(todo.todoId, message.messageId))) {
        const refused = send(deps).then(
          () => `${action} was accepted`,
          (error: unknown) => error,
        );
        const error = await refused;
        expect(error, action).toBeInstanceOf(ForbiddenError);
        expect((error as Error).message, action).toBe("You are no longer a member of this room");
      }
      // Nothing reached anyone (no snapshot, pong, typing or change to the room), nothing changed.
      expect(sent.size).toBe(0);
      expect(await Todo.list(db, { roomId })).toEqual(before.todos);
      expect((await Message.historyItems(db, { roomId, limit: 10 })).items).toEqual(before.messages);
      expect(sent.get(ownerSocket)).toBeUndefined();
    });
  }

  it("is refused without the authorizer's context too (the membership is then read after the record)", async () => {
    const { deps } = await removedButConnected("public");
    const { caller: _, ...withoutContext } = deps;
    await expect(answerPing(withoutContext)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(sendSnapshot({ ...withoutContext, frame: { action: "sync" } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(sent.size).toBe(0);
  });

  it("a member's frames still go through, and a readmitted member's too", async () => {
    const { roomId, rex, deps } = await removedButConnected("public");
    const ownerDeps = { ...deps, connectionId: "olga-public=", caller: { ...owner, roomId } };
    await answerPing(ownerDeps);
    expect(sent.get("olga-public=")).toEqual([{ type: "pong", lastSeq: 1 }]);
    const room = await Room.get(db, { roomId });
    await Membership.join(db, { room, user: rex });
    await answerPing(deps);
    expect(sent.get(deps.connectionId)).toEqual([{ type: "pong", lastSeq: 1 }]);
  });
});
