import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  joinRoom,
  type Message,
  type Room,
  type RoomClient,
  type ServerFrame,
  type Session,
  signIn,
  startE2eStack,
} from "../support/e2e-stack";

let stack: LocalStack;
let ownerSession: Session;
let owner: HttpClient;
let room: Room;
/** The owner, Ann and Bob, each connected to `room`. */
let olga: RoomClient;
let ann: RoomClient;
let bob: RoomClient;

beforeAll(async () => {
  stack = await startE2eStack({ limits: RAISED_LIMITS });
  ownerSession = await signIn(stack, "Olga");
  owner = httpClient(stack.httpUrl, ownerSession);
  room = await owner.createRoom("edits");
  olga = await joinRoom(stack, room.roomId, ownerSession);
  ann = await joinRoom(stack, room.roomId, "Ann");
  bob = await joinRoom(stack, room.roomId, "Bob");
});
afterAll(async () => {
  await Promise.all([olga, ann, bob].map((client) => client?.close().catch(() => {})));
  await stack?.stop();
});

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;
type ErrorFrame = Frame<"error">;
/** How long a test waits for one frame: generous, the machine may be busy with other suites. */
const WAIT = 15_000;
const everyone = () => [olga, ann, bob];

/** `by` sends a message; every member has it before this returns. */
async function send(by: RoomClient, text: string): Promise<Message> {
  const id = clientId("m");
  by.send({ action: "sendMessage", text, clientMessageId: id });
  const [first] = await Promise.all(
    everyone().map((client) =>
      client.nextOfType<Frame<"message">>("message", (f) => f.message.clientMessageId === id, WAIT),
    ),
  );
  return first!.message;
}

/** The next frame of `type` about `messageId` at each of `clients`. */
const nextAbout = <T extends "messageUpdated" | "messageDeleted" | "reactions">(
  clients: RoomClient[],
  type: T,
  messageId: string,
) =>
  Promise.all(
    clients.map((client) =>
      client.nextOfType<Frame<T>>(
        type,
        (f: { message?: Message; messageId?: string }) =>
          f.message ? f.message.messageId === messageId : f.messageId === messageId,
        WAIT,
      ),
    ),
  );

const history = async (as: HttpClient = owner) =>
  (await as.get(`/rooms/${room.roomId}/messages?limit=100`)).json.messages as Message[];

describe("editMessage and deleteMessage through the gateway", () => {
  it("the author edits: the whole room gets messageUpdated with editedAt; anyone else is refused forbidden", async () => {
    const sent = await send(ann, "teh plan");
    ann.send({ action: "editMessage", messageId: sent.messageId, text: "the plan" });
    const updated = await nextAbout(everyone(), "messageUpdated", sent.messageId);
    for (const { message } of updated) {
      expect(message).toEqual({ ...sent, text: "the plan", editedAt: expect.any(String), reactions: [] });
    }

    bob.send({ action: "editMessage", messageId: sent.messageId, text: "my plan" });
    expect(await bob.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
      code: "forbidden",
      action: "editMessage",
    });
    expect((await history()).find((m) => m.messageId === sent.messageId)?.text).toBe("the plan");
  });

  it("the owner deletes another's message; a member who is neither is refused; history keeps a tombstone", async () => {
    const sent = await send(bob, "regrettable");
    // A reaction before the deletion: the tombstone shows none.
    ann.send({ action: "react", messageId: sent.messageId, emoji: "👍", on: true });
    await nextAbout(everyone(), "reactions", sent.messageId);
    ann.send({ action: "deleteMessage", messageId: sent.messageId });
    expect(await ann.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
      code: "forbidden",
      action: "deleteMessage",
    });

    olga.send({ action: "deleteMessage", messageId: sent.messageId });
    for (const frame of await nextAbout(everyone(), "messageDeleted", sent.messageId)) {
      expect(frame).toEqual({ type: "messageDeleted", messageId: sent.messageId, seq: sent.seq });
    }
    const tombstone = (await history(httpClient(stack.httpUrl, ann.session))).find(
      (m) => m.messageId === sent.messageId,
    );
    expect(tombstone).toEqual({
      ...sent,
      text: "",
      deletedAt: expect.any(String),
      reactions: [],
    });
    // A tombstone cannot be edited or reacted to.
    bob.send({ action: "editMessage", messageId: sent.messageId, text: "again" });
    expect(await bob.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
      code: "not_found",
      action: "editMessage",
    });
    bob.send({ action: "react", messageId: sent.messageId, emoji: "👍", on: true });
    expect(await bob.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
      code: "not_found",
      action: "react",
    });
  });

  it("a message of another room is not found, whoever asks", async () => {
    const elsewhere = await owner.createRoom("elsewhere");
    const visitor = await joinRoom(stack, elsewhere.roomId, ann.session);
    const id = clientId("x");
    visitor.send({ action: "sendMessage", text: "over here", clientMessageId: id });
    const { message } = await visitor.nextOfType<Frame<"message">>("message", undefined, WAIT);
    await visitor.close();
    expect(message.clientMessageId).toBe(id);
    for (const frame of [
      { action: "editMessage", messageId: message.messageId, text: "changed" },
      { action: "deleteMessage", messageId: message.messageId },
      { action: "react", messageId: message.messageId, emoji: "👍", on: true },
    ]) {
      ann.send(frame);
      expect(await ann.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
        code: "not_found",
        action: frame.action,
      });
    }
  });
});

describe("react through the gateway", () => {
  it("toggles counts for two users; the reactor's sockets get `mine`; one post per member, as a message", async () => {
    const annTab2 = await joinRoom(stack, room.roomId, ann.session);
    const clients = [...everyone(), annTab2];
    const before = clients.map((client) => client.count("reactions"));
    const id = clientId("m");
    ann.send({ action: "sendMessage", text: "react to me", clientMessageId: id });
    const [{ message: sent } = { message: undefined }] = await Promise.all(
      clients.map((c) =>
        c.nextOfType<Frame<"message">>("message", (f) => f.message.clientMessageId === id, WAIT),
      ),
    );

    ann.send({ action: "react", messageId: sent!.messageId, emoji: "👍", on: true });
    const [toOlga, toAnn, toBob, toAnnTab2] = await nextAbout(clients, "reactions", sent!.messageId);
    expect(toAnn!.reactions).toEqual([{ emoji: "👍", count: 1, mine: true }]);
    expect(toAnnTab2!.reactions).toEqual([{ emoji: "👍", count: 1, mine: true }]);
    expect(toOlga!.reactions).toEqual([{ emoji: "👍", count: 1 }]);
    expect(toBob!.reactions).toEqual([{ emoji: "👍", count: 1 }]);

    bob.send({ action: "react", messageId: sent!.messageId, emoji: "👍", on: true });
    const second = await nextAbout(clients, "reactions", sent!.messageId);
    expect(second[2]!.reactions).toEqual([{ emoji: "👍", count: 2, mine: true }]);
    expect(second[1]!.reactions).toEqual([{ emoji: "👍", count: 2 }]);

    ann.send({ action: "react", messageId: sent!.messageId, emoji: "👍", on: false });
    const third = await nextAbout(clients, "reactions", sent!.messageId);
    expect(third[1]!.reactions).toEqual([{ emoji: "👍", count: 1, mine: false }]);
    expect(third[0]!.reactions).toEqual([{ emoji: "👍", count: 1 }]);

    // Off again changes nothing: the sender alone hears the state, nobody else gets a frame.
    ann.send({ action: "react", messageId: sent!.messageId, emoji: "👍", on: false });
    expect((await ann.nextOfType<Frame<"reactions">>("reactions", undefined, WAIT)).reactions).toEqual([
      { emoji: "👍", count: 1, mine: false },
    ]);
    await sleep(300);
    // Three toggles that changed something: exactly one frame each per socket (a post per member, as for the
    // message), plus the no-op's answer to Ann's first socket.
    expect(clients.map((client, i) => client.count("reactions") - before[i]!)).toEqual([3, 4, 3, 3]);

    const asBob = (await history(httpClient(stack.httpUrl, bob.session))).find(
      (m) => m.messageId === sent!.messageId,
    );
    expect(asBob?.reactions).toEqual([{ emoji: "👍", count: 1, mine: true }]);
    await annTab2.close();
  });

  it("refuses more than one grapheme (bad_request) and a 21st distinct emoji (limit_reached)", async () => {
    const sent = await send(bob, "so many feelings");
    for (const emoji of ["👍👍", "ok", "🇫🇷🇩🇪"]) {
      ann.send({ action: "react", messageId: sent.messageId, emoji, on: true });
      expect(await ann.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
        code: "bad_request",
        action: "react",
      });
    }
    const emojis = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂"];
    expect(new Set(emojis).size).toBe(20);
    for (const emoji of emojis) {
      ann.send({ action: "react", messageId: sent.messageId, emoji, on: true });
      await ann.nextOfType<Frame<"reactions">>("reactions", undefined, WAIT);
    }
    bob.send({ action: "react", messageId: sent.messageId, emoji: "🤗", on: true });
    expect(await bob.nextOfType<ErrorFrame>("error", undefined, WAIT)).toMatchObject({
      code: "limit_reached",
      action: "react",
    });
    // One of the 20 still toggles.
    bob.send({ action: "react", messageId: sent.messageId, emoji: "😀", on: true });
    // Bob's own socket's frame is the one with `mine` (Ann's toggles reached him without it).
    const { reactions } = await bob.nextOfType<Frame<"reactions">>(
      "reactions",
      (f) => f.messageId === sent.messageId && f.reactions.some((r) => r.mine !== undefined),
      WAIT,
    );
    expect(reactions).toHaveLength(20);
    expect(reactions[0]).toEqual({ emoji: "😀", count: 2, mine: true });
  });
});

describe("sync after being offline", () => {
  it("a client that was away sees the edit, the deletion and the reactions of messages it holds", async () => {
    const [kept, edited, removed, reacted] = [
      await send(ann, "stays"),
      await send(ann, "typo hree"),
      await send(ann, "oops"),
      await send(ann, "vote"),
    ];
    bob.send({ action: "sync", afterSeq: reacted!.seq });
    const { syncedAt } = await bob.nextOfType<Frame<"snapshot">>("snapshot", undefined, WAIT);
    expect(syncedAt).toEqual(expect.any(String));
    await bob.close();

    ann.send({ action: "editMessage", messageId: edited!.messageId, text: "typo here" });
    ann.send({ action: "deleteMessage", messageId: removed!.messageId });
    olga.send({ action: "react", messageId: reacted!.messageId, emoji: "✅", on: true });
    await nextAbout([ann], "messageUpdated", edited!.messageId);
    await nextAbout([ann], "messageDeleted", removed!.messageId);
    await nextAbout([ann], "reactions", reacted!.messageId);

    bob = await joinRoom(stack, room.roomId, bob.session);
    bob.send({ action: "sync", afterSeq: reacted!.seq, changesSince: syncedAt });
    const snapshot = await bob.nextOfType<Frame<"snapshot">>("snapshot", undefined, WAIT);
    expect(snapshot.messages).toEqual([]);
    const changes = new Map(snapshot.changes!.map((m) => [m.messageId, m]));
    expect(changes.get(edited!.messageId)).toMatchObject({ text: "typo here", editedAt: expect.any(String) });
    expect(changes.get(removed!.messageId)).toMatchObject({
      text: "",
      deletedAt: expect.any(String),
      reactions: [],
    });
    expect(changes.get(reacted!.messageId)?.reactions).toEqual([{ emoji: "✅", count: 1, mine: false }]);
    expect(changes.has(kept!.messageId)).toBe(false);

    // A sync without changesSince (a gap sync of a client that stayed connected) asks for no changes.
    bob.send({ action: "sync", afterSeq: reacted!.seq });
    const gapSync = await bob.nextOfType<Frame<"snapshot">>("snapshot", undefined, WAIT);
    expect(gapSync.changes).toEqual([]);
  });
});
