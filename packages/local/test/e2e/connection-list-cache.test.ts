import { CONNECTION_LIST_CACHE_MS } from "@rooms/core/limits";
import type { SnapshotFrame } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import { startQueryLogProxy } from "../../../../test/support/query-log-proxy";
import { eventually, sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  joinRoom,
  type Message,
  type RoomClient,
  signIn,
  startE2eStack,
  type Todo,
} from "../support/e2e-stack";

/**
 * The per-container connection-list cache (core/src/broadcast/connection-list-cache.ts), through the real local
 * stack: the handlers' DynamoDB traffic goes through a proxy that logs every Query on the wire, so the test counts
 * how often a room's connection list was really read. The local stack runs every handler in this one process,
 * so it behaves as one warm Lambda container.
 */

let proxy: Awaited<ReturnType<typeof startQueryLogProxy>>;
let stack: LocalStack;
let api: HttpClient;
const clients: RoomClient[] = [];

beforeAll(async () => {
  proxy = await startQueryLogProxy(inject("dynamodbEndpoint"));
  stack = await startE2eStack({
    dynamodb: { endpoint: proxy.endpoint },
    connectionListCacheMs: CONNECTION_LIST_CACHE_MS,
  });
  api = httpClient(stack.httpUrl, await signIn(stack, "Owner"));
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await stack?.stop();
  await proxy?.close();
});

type MessageFrame = { type: "message"; message: Message };
const isMessage = (frame: { type?: string }): frame is MessageFrame => frame.type === "message";

async function join(roomId: string, name: string) {
  const client = await joinRoom(stack, roomId, name);
  clients.push(client);
  return client;
}

/** Members of a new room, joined one after the other, once the presence worker's reads of the room are over. */
async function roomWith(names: string[]) {
  const { roomId } = await api.createRoom(`cache ${clientId()}`);
  const members: RoomClient[] = [];
  for (const name of names) members.push(await join(roomId, name));
  // Every join announced (each member heard of those after it), then no listing for a while: a presence
  // announcement that lists the room during a test would be counted as one of its reads.
  await eventually(() => members.every((m, i) => m.count("memberJoined") >= names.length - 1 - i), {
    timeoutMs: 20_000,
  });
  await quietRoom(roomId);
  return { roomId, members };
}

/** Waits until nothing has listed the room's connections for a while (the presence worker announces joins). */
async function quietRoom(roomId: string, quietMs = 1_500) {
  await eventually(
    () => {
      const last = proxy.roomListings(roomId).at(-1);
      return !last || Date.now() - last.at > quietMs;
    },
    { timeoutMs: 20_000 },
  );
}

/** Sends a message and waits for its echo (the stored message). */
async function send(client: RoomClient, text: string) {
  const id = clientId("m");
  client.send({ action: "sendMessage", text, clientMessageId: id });
  const { message } = await client.next<MessageFrame>(
    (f: any) => f.type === "message" && f.message.clientMessageId === id,
    15_000,
  );
  return message;
}

/** The seqs a client holds: messages received live plus those its syncs brought. */
function seqsHeld(client: RoomClient) {
  const seqs = new Set<number>();
  for (const frame of client.frames as any[]) {
    if (isMessage(frame)) seqs.add(frame.message.seq);
    if (frame.type === "snapshot") for (const m of (frame as SnapshotFrame).messages) seqs.add(m.seq);
  }
  return seqs;
}

/** The end of the run of seqs a client holds without a hole, from the lowest it holds. */
function heldWithoutHole(client: RoomClient) {
  const held = seqsHeld(client);
  let end = Math.min(...held);
  while (held.has(end + 1)) end++;
  return end;
}

/**
 * What a client of the contract does to catch up: `ping`; when `pong.lastSeq` (or a message it holds) is past
 * the run it holds without a hole, `sync {afterSeq}` from the hole, until the run reaches `lastSeq`.
 */
async function catchUp(client: RoomClient) {
  client.send({ action: "ping" });
  const { lastSeq } = await client.nextOfType<{ type: "pong"; lastSeq: number }>("pong", undefined, 15_000);
  let synced = 0;
  for (;;) {
    const held = heldWithoutHole(client);
    if (held >= lastSeq) return { lastSeq, synced };
    client.send({ action: "sync", afterSeq: held });
    await client.nextOfType<SnapshotFrame>("snapshot", undefined, 15_000);
    synced++;
  }
}

describe("a chatty room's connection list", () => {
  it("is read once per cache window for a burst of messages, and every member gets every message once", async () => {
    const { roomId, members } = await roomWith(["Ann", "Abe", "Ada", "Al"]);
    const [sender] = members;
    const started = Date.now();
    const sent: Message[] = [];
    for (let i = 0; i < 20; i++) sent.push(await send(sender!, `burst ${i}`));
    const ids = sent.map((m) => m.messageId);
    await eventually(
      () =>
        members.every((c) =>
          ids.every((id) => c.all((f: any) => isMessage(f) && f.message.messageId === id).length > 0),
        ),
      { timeoutMs: 15_000, describe: () => members.map((c) => `${c.label}:${c.count("message")}`).join(" ") },
    );
    const elapsed = Date.now() - started;
    await sleep(300); // time for a duplicate to show up
    for (const client of members)
      for (const id of ids)
        expect(client.all((f: any) => isMessage(f) && f.message.messageId === id)).toHaveLength(1);

    // One read per window the burst spanned (a window may start just before the burst's end), never one per message.
    const reads = proxy.roomListings(roomId, started).length;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / CONNECTION_LIST_CACHE_MS) + 1);
    expect(reads).toBeLessThan(sent.length);
  });

  it("lets a member who joins within the window end with every message, live or by a seq-gap sync", async () => {
    const { roomId, members } = await roomWith(["Bob", "Bea"]);
    const [sender] = members;
    const first = await send(sender!, "before the join");
    // Joins while the room's list (read for `first`) is still cached, then asks for the room as a client does.
    const joiner = await join(roomId, "Joiner");
    joiner.send({ action: "sync" });
    const snapshot = await joiner.nextOfType<SnapshotFrame>("snapshot", undefined, 15_000);
    // The joiner's own first sync reads the table, not the cache: it has everything stored before it.
    expect(snapshot.messages.map((m) => m.seq)).toContain(first.seq);
    const later: Message[] = [];
    for (let i = 0; i < 3; i++) later.push(await send(sender!, `right after the join ${i}`));
    await sleep(CONNECTION_LIST_CACHE_MS + 200);
    // Once the window is over, the next message reaches the joiner live: its seq shows any gap before it.
    const last = await send(sender!, "after the window");
    await joiner.waitFor((f: any) => isMessage(f) && f.message.messageId === last.messageId, {
      timeoutMs: 15_000,
      what: "the message sent after the window",
    });
    const { lastSeq } = await catchUp(joiner);
    expect(lastSeq).toBe(last.seq);
    const held = seqsHeld(joiner);
    for (const message of [first, ...later, last]) expect(held.has(message.seq)).toBe(true);
  });

  it("never serves a todo from the cached list: a member who joins within the window gets it live", async () => {
    const { roomId, members } = await roomWith(["Cy", "Cat"]);
    const [sender] = members;
    await send(sender!, "fills the cache");
    const joiner = await join(roomId, "Late");
    const clientTodoId = clientId("t");
    sender!.send({ action: "addTodo", title: "durable, no seq", clientTodoId });
    const { todo } = await joiner.nextOfType<{ type: "todo"; todo: Todo }>(
      "todo",
      (f) => f.todo.title === "durable, no seq",
      15_000,
    );
    expect(todo.roomId).toBe(roomId);
  });
});
