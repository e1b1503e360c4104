/**
 * DynamoDB capacity per operation: what each WebSocket route and HTTP route of the real handlers consumes, at
 * room sizes 10 and 1,000, in a table that also holds 100,000 unrelated items (other rooms' messages). Measured,
 * not estimated: the stack talks to DynamoDB Local through bench/support/capacity-proxy.ts, which asks every
 * request for its consumed capacity and tallies the answers. Beside each, the naive design tutorials show
 * (Scan the table for the room's connections / messages), run on the same data (bench/support/naive-design.ts).
 */
import { loadavg } from "node:os";
import { Connection } from "@rooms/core/connection";
import { createDb, type Db } from "@rooms/core/db";
import { newId } from "@rooms/core/ids";
import { defaultLimits } from "@rooms/core/limits";
import { Message as CoreMessage } from "@rooms/core/message";
import type { Message, Room as RoomShape, Todo as TodoShape } from "@rooms/core/protocol";
import { REACTION_COUNT_SHARDS, Reaction } from "@rooms/core/reaction";
import { Room } from "@rooms/core/room";
import { ensureTable } from "@rooms/core/table";
import { Todo } from "@rooms/core/todo";
import { localDynamoClient, startDynamoDbLocal } from "@rooms/dynamodb-local";
import { bearer, connectUrl, createSession, type Session, ticketFor } from "../../test/support/room-session";
import {
  type CapacityProxy,
  startCapacityProxy,
  sumTally,
  verifySignaturesIgnored,
} from "../support/capacity-proxy";
import { addCosts, type NaiveCost, naiveDesign } from "../support/naive-design";
import { sized } from "../support/quick";
import { type RoomClient, RoomClients } from "../support/room-clients";
import { seatMembers } from "../support/seat-members";
import { seedMessages, setRoomCounter } from "../support/seed-table";
import { startStackInChild } from "../support/stack-in-child";
import { mapConcurrently, ms, percentile, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const TABLE = "bench-cost";
const ROOM_SIZES = sized([10, 1_000], [10, 100]);
const OTHER_ROOMS = sized(1_000, 50);
const MESSAGES_PER_OTHER_ROOM = 100;
/** The measured rooms' own history: more than one page (50), so sync and history read a full page. */
const ROOM_HISTORY = 120;
const ROOM_TODOS = 5;
const CONNECT_CONCURRENCY = 16;
/** sendMessage under contention: this many senders in one room, each sending one message at a time. */
const CONCURRENT_SENDERS = sized([1, 5, 20], [1, 20]);
const MESSAGES_PER_CONCURRENT_SENDER = sized(25, 5);
/** react on a hot message: this many users at once, with the count spread over each number of shards. */
const HOT_REACTORS = sized(40, 24);
const HOT_MESSAGE_SHARDS = [1, REACTION_COUNT_SHARDS];

interface Ours {
  rcu: number;
  wcu: number;
  indexWcu: number;
  calls: number;
  operations: string[];
  conditionFailures: number;
  errors: number;
  transactions: { computed: number; reported: number }[];
}

export async function run(): Promise<BenchTable[]> {
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  // Full JIT for DynamoDB Local: the start-up-tuned default (C1 only) doubles the time of the 100,000-item
  // seed and of every full Scan. Restored right after, so other suites keep their defaults.
  const javaOptions = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = "-XX:+UseSerialGC";
  const dynamo = await startDynamoDbLocal().finally(() => {
    if (javaOptions === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = javaOptions;
  });
  const direct = localDynamoClient(dynamo.endpoint);
  let proxy: CapacityProxy | undefined;
  let stack: Awaited<ReturnType<typeof startStackInChild>> | undefined;
  const naive = naiveDesign({ client: direct, table: TABLE });

  try {
    const signatureCheck = await verifySignaturesIgnored(dynamo.endpoint);
    await ensureTable(direct, TABLE);
    const db = createDb({ client: direct, table: TABLE });

    const seedStarted = performance.now();
    const otherRooms = Array.from({ length: OTHER_ROOMS }, (_, i) => newId(Date.UTC(2025, 0, 1) + i));
    const seeded = await seedMessages({
      client: direct,
      db,
      table: TABLE,
      roomIds: otherRooms,
      perRoom: MESSAGES_PER_OTHER_ROOM,
    });
    const seedMs = performance.now() - seedStarted;

    proxy = await startCapacityProxy({ target: dynamo.endpoint });
    stack = await startStackInChild({ dynamodbEndpoint: proxy.endpoint, tableName: TABLE });
    const measure = measurer(proxy);

    const rows: (string | number)[][] = [];
    const syncParts: string[] = [];
    /** Posts per change to a stored message (edit, react, delete), per room size: checked to be one per member. */
    const changePosts: string[] = [];
    const scanNotes: string[] = [];
    const gsiNotes: string[] = [];
    const transactionNotes: string[] = [];
    /** Operations that answered an error instead of what they should (their row says FAILED). */
    const failures: string[] = [];
    /** Public rooms in the table so far: measured and POSTed ones (staging rooms are private, so not listed). */
    let publicRoomCount = 0;
    // The measured rooms' owner; signing in touches no table (a JWT signed with the stage secret).
    const owner = await createSession(stack.httpUrl, "cost owner");
    for (const size of ROOM_SIZES) {
      const room = await Room.create(db, { input: { name: `cost ${size}` }, caller: owner.user });
      const historyStart = Date.UTC(2026, 5, 1);
      await seedMessages({
        client: direct,
        db,
        table: TABLE,
        roomIds: [room.roomId],
        perRoom: ROOM_HISTORY,
        startMs: historyStart,
      });
      await setRoomCounter(db, {
        roomId: room.roomId,
        lastSeq: ROOM_HISTORY,
        lastMessageAt: new Date(historyStart + (ROOM_HISTORY - 1) * 1000).toISOString(),
      });
      for (let i = 0; i < ROOM_TODOS; i++)
        await Todo.add(db, { roomId: room.roomId, title: `todo ${i}`, userId: owner.user.userId });

      const clients = new RoomClients(stack);
      await seatMembers({
        db,
        clients,
        roomId: room.roomId,
        count: size - 1,
        concurrency: CONNECT_CONCURRENCY,
        namePrefix: `c${size}-`,
      });
      await proxy.settle();
      proxy.take();

      // The naive design's one expensive step, a Scan of the whole table, measured once per room size (see notes).
      const scanStarted = performance.now();
      const scan = await naive.scan({
        filter: "#entity = :connection AND roomId = :roomId",
        names: { "#entity": "__edb_e__" },
        values: { ":connection": { S: "connection" }, ":roomId": { S: room.roomId } },
      });
      if (scan.matched !== size - 1)
        throw new Error(`naive Scan found ${scan.matched} connections of the room, expected ${size - 1}`);
      scanNotes.push(
        `room of ${size}: one Scan read ${scan.scanned} items in ${scan.pages} pages = ${scan.rcu} RCU (${Math.round(performance.now() - scanStarted)} ms)`,
      );
      const naiveScan: NaiveCost = { rcu: scan.rcu, wcu: 0, calls: ["Scan"] };
      /** `naiveCost` null: the naive design has no such step (it has no identity: anyone connects with ?name=). */
      const row = (operation: string, ours: Ours, naiveCost: NaiveCost | null) => {
        if (ours.errors)
          throw new Error(
            `${operation} at ${size}: ${ours.errors} DynamoDB calls failed (${ours.operations.join(", ")})`,
          );
        // DynamoDB Local reports nothing for a failed conditional write; AWS charges at least 1 WCU for each.
        const wcu = ours.wcu + ours.conditionFailures;
        rows.push([
          operation,
          size,
          ours.operations.join(", ") || "-",
          ours.rcu,
          wcu,
          ...(naiveCost
            ? [
                naiveCost.rcu,
                naiveCost.wcu,
                ratio(ours.rcu, naiveCost.rcu),
                ratio(wcu, naiveCost.wcu),
                summarize(naiveCost.calls),
              ]
            : ["-", "-", "-", "-", "(no such step)"]),
        ]);
        for (const { computed, reported } of ours.transactions) {
          transactionNotes.push(
            `${operation} @${size}: ${computed} WCU by AWS's rules, DynamoDB Local reported ${reported}`,
          );
        }
        if (ours.indexWcu)
          gsiNotes.push(`${operation} @${size}: ${ours.indexWcu} of ${ours.wcu} WCU on gsi1`);
      };

      // The size-th member arrives as a browser does: signs in, takes a ticket, connects with it.
      const joinerName = `joiner-${size}`;
      let session!: Session;
      const signIn = await measure(async () => {
        session = await createSession(stack!.httpUrl, joinerName);
      });
      row("POST /sessions", signIn, null);
      let ticket!: string;
      const ticketing = await measure(async () => {
        ticket = await ticketFor(stack!.httpUrl, session, room.roomId);
      });
      row("POST /rooms/{id}/tickets", ticketing, null);

      // $connect with the ticket: the authorizer consumes it, $connect makes the joiner a member of the public
      // room and stores its record; the table stream's presence worker then tells everyone already there.
      const announced = clients.waitForAll(
        ...announcement(size, "joined", (member) => member?.userId === session.user.userId),
        120_000,
      );
      let joiner!: RoomClient;
      const connect = await measure(async () => {
        joiner = await clients.connectTo(connectUrl(stack!.wsUrl, ticket), joinerName, session);
      });
      await announced;
      clients.clients.push(joiner);
      const joinerRecord = (await Connection.listByRoom(db, { roomId: room.roomId })).find(
        (c) => c.userId === session.user.userId,
      );
      if (!joinerRecord) throw new Error(`${joinerName} has no connection record after $connect`);
      const { connectionId, roomId, userId, memberId, name, connectedAt, expiresAt } = joinerRecord;
      const connectionKey = { pk: { S: `$rooms#connectionId_${connectionId}` }, sk: { S: "$connection_1" } };
      const roomKey = { pk: { S: `$rooms#roomId_${room.roomId}` }, sk: { S: "$roomView#room_1" } };
      const naiveConnect = async () =>
        addCosts(
          await naive.get(roomKey),
          await naive.put(`connection-${size}`, {
            connectionId,
            roomId,
            userId,
            memberId,
            name,
            connectedAt,
            expiresAt,
          }),
          naiveScan,
        );
      row("$connect with ticket", connect, await naiveConnect());

      // sendMessage: stored with the room's next seq (one TransactWriteItems: counter, client-id claim, message,
      // the sender's read position), echoed to the sender, then fanned out to the room.
      const naiveMessage = async (id: string, message: Message) => {
        // The naive item holds what was sent: no reactions yet (the echo carries `reactions: []`).
        const { mentions, reactions: _none, ...flat } = message;
        return naive.put(id, { ...flat, mentions: mentions.join(",") });
      };
      const sendOne = async (clientMessageId: string, mentions?: string[]) => {
        let stored!: Message;
        const cost = await measure(async () => {
          const everyone = clients.waitForAll(
            "message",
            (f) => f.message?.clientMessageId === clientMessageId,
            120_000,
          );
          joiner.send({
            action: "sendMessage",
            text: "How much does this line cost?",
            clientMessageId,
            ...(mentions && { mentions }),
          });
          stored = ((await everyone)[0] as { message: Message }).message;
        });
        if (stored.seq !== ++lastSeq)
          throw new Error(`${clientMessageId} was stored with seq ${stored.seq}, expected ${lastSeq}`);
        return { cost, stored };
      };
      let lastSeq = ROOM_HISTORY;
      const plain = await sendOne(`cost-${size}`);
      row(
        "sendMessage (seq)",
        plain.cost,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naiveMessage(`message-${size}`, plain.stored),
          naiveScan,
        ),
      );
      // With two mentions: each mentioned member's membership records the seq (their unreadMentions).
      const mentioned = clients.clients.slice(0, 2).map((client) => client.session!.user.userId);
      const withMentions = await sendOne(`cost-mentions-${size}`, mentioned);
      row(
        "sendMessage, 2 mentions",
        withMentions.cost,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naiveMessage(`message-m-${size}`, withMentions.stored),
          naiveScan,
        ),
      );

      // sync: the snapshot (room, todos, members, newest page of messages, read positions) to the sender alone,
      // in one frame or in parts (v2: `part` n, `last`, each <= 128 KB). An error answer instead is recorded as
      // a failed row, not thrown, so the other rows of the table still come out.
      const syncRow = async (label: string, frame: Record<string, unknown>, expectedMessages: number) => {
        let failure: string | undefined;
        let parts = 0;
        const cost = await measure(async () => {
          const answer = collectSnapshot(joiner);
          joiner.send({ action: "sync", ...frame });
          const outcome = await answer;
          if ("error" in outcome) {
            failure = outcome.error;
            return;
          }
          const { members, messages, largestPart } = outcome;
          parts = outcome.parts;
          if (members !== size || messages !== expectedMessages)
            throw new Error(`${label}: snapshot had ${members} members, ${messages} messages`);
          if (largestPart > 128 * 1024) throw new Error(`${label}: a snapshot frame of ${largestPart} bytes`);
        });
        if (failure) failures.push(`${label} @${size}: the joiner got ${failure} instead of a snapshot`);
        const partsNote = parts > 1 ? `${parts} parts` : "1 frame";
        row(
          failure ? `${label} (FAILED: ${failure.split(":")[0]})` : `${label} (${partsNote})`,
          cost,
          addCosts(await naive.get(connectionKey, { consistent: true }), naiveScan),
        );
        syncParts.push(`${label} @${size}: ${partsNote}`);
      };
      await syncRow("sync {}", {}, 50);
      await syncRow("sync {afterSeq}", { afterSeq: lastSeq - 10 }, 10);

      // (v2) Changes to stored messages, each to the whole room: the joiner edits its plain message, reacts to
      // it, and deletes the one with mentions. None takes a seq. Naive: Get the connection, update the message
      // item in place (reactions as a counter on it), Scan for the room's connections.
      const messageChange = async (
        label: string,
        frame: Record<string, unknown>,
        type: string,
        messageId: string,
        naiveAttribute: string,
      ) => {
        const framesOfType = () => clients.clients.reduce((sum, client) => sum + client.count(type), 0);
        const before = framesOfType();
        const cost = await measure(async () => {
          const heard = clients.waitForAll(
            type,
            (f) => (f.message?.messageId ?? f.messageId) === messageId,
            120_000,
          );
          joiner.send(frame);
          await heard;
        });
        // One post per member, as a message costs (the room's fan-out, nothing per reactor or per emoji).
        const posts = framesOfType() - before;
        if (posts !== clients.clients.length)
          throw new Error(`${label} at ${size}: ${posts} posts for ${clients.clients.length} members`);
        changePosts.push(`${label} @${size}: ${posts}`);
        row(
          label,
          cost,
          addCosts(
            await naive.get(connectionKey, { consistent: true }),
            await naive.update(`message-${size}`, naiveAttribute, true),
            naiveScan,
          ),
        );
      };
      const plainId = plain.stored.messageId;
      await messageChange(
        "editMessage",
        { action: "editMessage", messageId: plainId, text: "How much did this line cost?" },
        "messageUpdated",
        plainId,
        "edited",
      );
      const react = (label: string, on: boolean) =>
        messageChange(
          `react (${label})`,
          { action: "react", messageId: plainId, emoji: "👍", on },
          "reactions",
          plainId,
          "reacted",
        );
      await react("first use of the emoji", true);
      await react("off", false);
      await react("emoji already used", true);
      await messageChange(
        "deleteMessage",
        { action: "deleteMessage", messageId: withMentions.stored.messageId },
        "messageDeleted",
        withMentions.stored.messageId,
        "deleted",
      );
      // sync of a client that held the room up to lastSeq: `changes` re-reads the 200 messages up to afterSeq
      // (here: the 122 the room has) and returns the two changed ones.
      await syncRow("sync {afterSeq: last} + changes", { afterSeq: lastSeq }, 0);
      await syncRow(
        "sync {afterSeq: last, changesSince}",
        { afterSeq: lastSeq, changesSince: new Date(Date.now() - 60_000).toISOString() },
        0,
      );

      const ping = await measure(async () => {
        const pong = joiner.waitForType("pong");
        joiner.send({ action: "ping" });
        await pong;
      });
      row("ping", ping, await naive.get(connectionKey, { consistent: true }));

      // markRead up to the newest: the joiner's read position moves; in rooms up to the presence-detail limit
      // (100 live members) the others get `read`, in larger ones nobody does.
      const others = clients.clients.filter((client) => client !== joiner);
      const readReceipts = size <= 100;
      // Something to read first: the owner's message, stored straight through core (not a row; its cost is the
      // sendMessage row's). The seated members cannot send: their sockets' authorizer context names the staging
      // room they joined, and sendMessage takes the room from it.
      await measure(async () => {
        await CoreMessage.send(db, {
          roomId: room.roomId,
          authorId: owner.user.userId,
          author: "cost owner",
          text: "news",
          clientMessageId: `unread-${size}`,
        });
      });
      lastSeq++;
      const markRead = await measure(async () => {
        const heard = readReceipts
          ? Promise.all(
              others.map((client) =>
                client.waitForType("read", (f) => f.userId === session.user.userId, 120_000),
              ),
            )
          : undefined;
        joiner.send({ action: "markRead", seq: lastSeq });
        // No receipts past 100: done once the position moved (read directly, not through the proxy).
        await (heard ??
          until(
            async () =>
              (
                await db.entities.membership
                  .get({ roomId: room.roomId, userId: session.user.userId })
                  .go({ consistent: true })
              ).data?.readSeq === lastSeq,
          ));
      });
      row(
        `markRead${readReceipts ? "" : " (no receipts past 100)"}`,
        markRead,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naive.update(`connection-${size}`, "read", true),
          ...(readReceipts ? [naiveScan] : []),
        ),
      );

      // typing: forwarded to the others (at most once per 3 s per connection; nothing stored but the throttle).
      const typing = await measure(async () => {
        const heard = readReceipts
          ? Promise.all(others.map((client) => client.waitForType("typing", () => true, 120_000)))
          : undefined;
        joiner.send({ action: "typing" });
        // Not forwarded past 100: done once the connection took its typing slot (read directly).
        await (heard ??
          until(
            async () =>
              (await db.entities.connection.get({ connectionId }).go({ consistent: true })).data?.typingAt !==
              undefined,
          ));
      });
      row(
        `typing${readReceipts ? "" : " (not forwarded past 100)"}`,
        typing,
        addCosts(await naive.get(connectionKey, { consistent: true }), ...(readReceipts ? [naiveScan] : [])),
      );

      let todo!: TodoShape;
      const add = await measure(async () => {
        const everyone = clients.waitForAll("todo", (f) => f.todo?.title === `cost todo ${size}`, 120_000);
        joiner.send({ action: "addTodo", title: `cost todo ${size}` });
        todo = ((await everyone)[0] as { todo: TodoShape }).todo;
      });
      const { todoId, title, done, version, createdAt, updatedAt } = todo;
      row(
        "addTodo",
        add,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naive.put(`todo-${size}`, { todoId, roomId, title, done, version, createdAt, updatedAt }),
          naiveScan,
        ),
      );

      const update = await measure(async () => {
        const everyone = clients.waitForAll(
          "todo",
          (f) => f.todo?.todoId === todoId && f.todo.version === version + 1,
          120_000,
        );
        joiner.send({ action: "updateTodo", todoId, version, done: true });
        await everyone;
      });
      row(
        "updateTodo",
        update,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naive.update(`todo-${size}`, "done", true),
          naiveScan,
        ),
      );

      // Assigning checks the assignee's membership in the same transaction (a ConditionCheck).
      const assign = await measure(async () => {
        const everyone = clients.waitForAll(
          "todo",
          (f) => f.todo?.todoId === todoId && f.todo.version === version + 2,
          120_000,
        );
        joiner.send({ action: "updateTodo", todoId, version: version + 1, assigneeId: userId });
        await everyone;
      });
      row(
        "updateTodo (assigneeId)",
        assign,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naive.update(`todo-${size}`, "assigned", true),
          naiveScan,
        ),
      );

      // To the top of the list: reads the todo and the first position, swaps the position items.
      const move = await measure(async () => {
        const everyone = clients.waitForAll(
          "todo",
          (f) => f.todo?.todoId === todoId && f.todo.version === version + 3,
          120_000,
        );
        joiner.send({ action: "moveTodo", todoId, version: version + 2, after: null });
        await everyone;
      });
      row(
        "moveTodo",
        move,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naive.update(`todo-${size}`, "moved", true),
          naiveScan,
        ),
      );

      const remove = await measure(async () => {
        const everyone = clients.waitForAll("todoDeleted", (f) => f.todoId === todoId, 120_000);
        joiner.send({ action: "deleteTodo", todoId, version: version + 3 });
        await everyone;
      });
      row(
        "deleteTodo (versioned)",
        remove,
        addCosts(
          await naive.get(connectionKey, { consistent: true }),
          await naive.remove(`todo-${size}`),
          naiveScan,
        ),
      );

      // $disconnect: the joiner leaves politely; the others hear memberLeft.
      const disconnect = await measure(async () => {
        const left = Promise.all(
          others.map((client) =>
            client.waitForType(
              ...announcement(size, "left", (member) => member?.memberId === memberId),
              120_000,
            ),
          ),
        );
        await joiner.close();
        await left;
      });
      clients.clients.splice(clients.clients.indexOf(joiner), 1);
      row("$disconnect", disconnect, addCosts(await naive.remove(`connection-${size}`), naiveScan));

      // $connect again, now a member (a reload, another tab, a reconnect): the common case.
      let again!: string;
      await measure(async () => {
        again = await ticketFor(stack!.httpUrl, session, room.roomId);
      });
      let rejoined!: RoomClient;
      const reconnect = await measure(async () => {
        const seen = clients.waitForAll(
          ...announcement(
            size,
            "joined",
            (member) => member?.userId === session.user.userId && member?.memberId !== memberId,
          ),
          120_000,
        );
        rejoined = await clients.connectTo(connectUrl(stack!.wsUrl, again), joinerName, session);
        await seen;
      });
      clients.clients.push(rejoined);
      row("$connect with ticket (a member again)", reconnect, await naiveConnect());

      // HTTP routes, as the joiner.
      const http = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${stack!.httpUrl}${path}`, {
          method,
          headers: { ...bearer(session), ...(body !== undefined && { "content-type": "application/json" }) },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        if (!response.ok)
          throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
        return response.json() as Promise<any>;
      };
      let created!: RoomShape;
      const postRooms = await measure(async () => {
        created = (await http("POST", "/rooms", { name: `created at ${size}` })).room;
      });
      publicRoomCount += 2;
      row("POST /rooms", postRooms, await naive.put(`room-${size}`, { ...created }));
      const listRooms = await measure(async () => {
        const { rooms } = await http("GET", "/rooms");
        if (rooms.length !== Math.min(50, publicRoomCount))
          throw new Error(
            `GET /rooms listed ${rooms.length} rooms, expected ${Math.min(50, publicRoomCount)}`,
          );
      });
      row("GET /rooms", listRooms, naiveScan);
      // My rooms: the measured room and the one just created, with unread counts.
      const myRooms = await measure(async () => {
        const { rooms } = await http("GET", "/me/rooms");
        const mine = rooms.find((r: { roomId: string }) => r.roomId === room.roomId);
        if (rooms.length !== 2 || mine?.unread !== 0)
          throw new Error(`GET /me/rooms listed ${JSON.stringify(rooms)}`);
      });
      row("GET /me/rooms (2 rooms)", myRooms, naiveScan);
      const getRoom = await measure(async () => {
        const { todos } = await http("GET", `/rooms/${room.roomId}`);
        if (todos.length !== ROOM_TODOS) throw new Error(`GET /rooms/{roomId} listed ${todos.length} todos`);
      });
      row("GET /rooms/{roomId}", getRoom, naiveScan);
      const history = await measure(async () => {
        const { messages } = await http("GET", `/rooms/${room.roomId}/messages`);
        if (messages.length !== 50)
          throw new Error(`GET /rooms/{roomId}/messages listed ${messages.length} messages`);
      });
      row("GET /rooms/{roomId}/messages", history, naiveScan);

      // Tear down without N(N-1)/2 memberLeft posts: records first (directly), then the sockets.
      await removeConnectionRecords(db, room.roomId);
      await clients.closeAll();
      await proxy.settle();
      proxy.take();
    }

    const contention = await measureContention({ db, proxy, stack, owner });
    const hotMessage = await measureHotMessage({ db, proxy, owner });

    if (proxy.unsized.length)
      throw new Error(
        `${proxy.unsized.length} transactions the proxy could not size: ${proxy.unsized.slice(0, 3).join("; ")}`,
      );
    // The bench closes a room's clients all at once when it is done with the room: the leaves it announces to
    // sockets that are closing too may time out. That is teardown, not a measured operation.
    const problems = stack.problems.filter(
      (line) => !/"event":"send_failed".*"frameType":"(memberLeft|presence)"/.test(line),
    );
    if (problems.length)
      throw new Error(`the stack reported problems during the run:\n${problems.slice(0, 20).join("\n")}`);
    return [
      {
        title: `DynamoDB capacity per operation, ours vs naive Scan design, same table (${seeded.toLocaleString("en")} unrelated items + the rooms)`,
        columns: [
          "operation",
          "room",
          "our DynamoDB calls",
          "our RCU",
          "our WCU",
          "naive RCU",
          "naive WCU",
          "RCU vs naive",
          "WCU vs naive",
          "naive calls",
        ],
        rows,
        notes: [
          ...(failures.length ? [`FAILURES: ${failures.join("; ")}.`] : []),
          "Ours: the real handlers in the local stack, through a proxy that injects ReturnConsumedCapacity (INDEXES: TOTAL plus the per-index split) into every request and sums what DynamoDB Local reports. Nothing in the handlers was changed.",
          `${signatureCheck}; every handler call succeeded through the proxy, which is what makes its rewrite possible.`,
          "DynamoDB Local reports capacity for every operation used here, gsi1 writes included, except: failed conditional writes (none happened in these runs; each would be counted as 1 WCU, AWS's minimum), and TransactWriteItems, which it under-counts for several items (two 100-byte Puts: 2 WCU, AWS charges 2 per item per KB = 4). Transactions are therefore computed from the request's items by AWS's rules (bench/support/item-size.ts): " +
            (transactionNotes.join("; ") || "none ran") +
            ".",
          `gsi1 share of the write units: ${gsiNotes.join("; ") || "none"}.`,
          "sendMessage (v2): one TransactWriteItems: Update of the room (lastSeq, lastMessageAt; the room is on gsi1), Put of the client-id claim, Put of the message keyed by seq, Update of the sender's membership (readSeq; the access check; on gsi1), one Update per mentioned member (mentionSeqs), and the frame's rate-limit bucket (a Put under its condition). Beside it, a strongly consistent GetItem of the connection (for its expiry refresh) and the room's connection list (a Query at most once a second per container). The room's counter is the container's guess (LastSeqMemory), trusted from the second read that finds the room unmoved; neither row here has one yet, so a strongly consistent GetItem of the room comes first (from a quiet room's third message on, it is skipped). Updates are sized from the item as read just before plus the values set (bench/support/capacity-proxy.ts).",
          `Posts per change to a stored message, one per member as for a message (checked): ${changePosts.join("; ")}.`,
          `sync (v2): {} is the newest page (50), {afterSeq} the 10 newest here; over 128 KB the snapshot comes in parts (${syncParts.join("; ")}); every part was checked to be <= 128 KB and the parts together to hold every member and message.`,
          "markRead / typing: receipts and typing go to the other members only in rooms up to the presence-detail limit (100 live members); past it the handler stops after the write (markRead) or the throttle (typing), so the naive column has no Scan there either. typing writes the connection's typingAt (its 3 s throttle), nothing else.",
          "GET /me/rooms: one Query of the caller's memberships on gsi1, then BatchGetItem of their rooms (unread = lastSeq - readSeq; unreadMentions from mentionSeqs); naive: a Scan for the memberships.",
          "RCU: eventually consistent reads and Queries cost 0.5 per 4 KB, strongly consistent Gets 1 per 4 KB; gsi1 Queries are eventually consistent. Connection.touch wrote nothing here (it writes only when the expiry is 5 minutes stale).",
          `Naive: the same operations as tutorials write them, on the same table: GetItem of the sender's connection (keyed by connection id, as they do), plain PutItem/UpdateItem/DeleteItem (no index, no idempotency claim, no transaction), and a Scan with a FilterExpression (roomId = X) wherever a room's connections, messages, todos or rooms list are needed.`,
          `A Scan is charged on every item read before the filter applies, so it costs the same whatever it filters: one full Scan was measured per room size and charged to each naive operation that scans. ${scanNotes.join("; ")}.`,
          `Seeded with BatchWriteItem: ${seeded.toLocaleString("en")} message items of ${OTHER_ROOMS} other rooms, shaped exactly as Message.send stores them, in ${Math.round(seedMs / 1000)} s; each measured room also has ${ROOM_HISTORY} messages and ${ROOM_TODOS} todos of its own, and ${ROOM_SIZES.reduce((sum, n) => sum + n - 1, 0).toLocaleString("en")} private one-member staging rooms exist (see latency notes on seating).`,
          "Identity rows: POST /sessions signs a JWT with the stage secret and touches no table; POST /rooms/{id}/tickets checks the caller's access to the room and stores a single-use ticket; $connect with ticket is the authorizer consuming the ticket (one DeleteItem returning the old item) plus $connect (access check, membership of the public room, connection record with a membership check; the join is announced afterwards by the table stream's presence worker, whose listing Query falls in the window). $connect with ticket (a member again): the same user's next socket, after $disconnect; its ticket says it is a member, so $connect is the one transaction (connection record + membership check under the ticket's name), no reads. The naive design has no identity (anyone connects with ?name=): no counterpart for the first two.",
          `Room of N: N-1 members seated (see bench/support/seat-members.ts: each a user of its own, joined with a ticket to a private staging room, then moved), then the N-th signs in, takes a ticket and joins through the real authorizer and $connect (the three identity rows), sends (plain, then with 2 mentions), syncs (newest page, then afterSeq), pings, marks read, types, edits todos and leaves ($disconnect row); the HTTP rows are called as that user. The measured room's ${ROOM_HISTORY} seeded messages have seq 1..${ROOM_HISTORY} and the room's counter is set to match. Load average before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}; suite took ${Math.round((performance.now() - started) / 1000)} s.`,
        ],
      },
      contention,
      hotMessage,
    ];
  } finally {
    await stack?.stop();
    await proxy?.close();
    await naive.cleanUp().catch(() => {});
    direct.destroy();
    await dynamo.stop();
  }
}

/**
 * sendMessage when several members of one room send at once: each sender sends its messages one at a time
 * (the next once its own echo came back, as a chat client does), all senders together. Every attempt reads the
 * room's counter (a strongly consistent GetItem) and tries one TransactWriteItems conditional on it; a sender who
 * lost the race (ConditionalCheckFailed, or TransactionConflict while another transaction held the room item)
 * re-reads and retries with jitter, and gives up after 12 attempts (an `internal` error frame; the client here
 * resends the same clientMessageId, as the web client does). Capacity is measured through the proxy over the
 * whole burst and divided by the messages stored.
 */
async function measureContention({
  db,
  proxy,
  stack,
  owner,
}: {
  db: Db;
  proxy: CapacityProxy;
  stack: { httpUrl: string; wsUrl: string; problems: string[] };
  owner: Session;
}): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const senders of CONCURRENT_SENDERS) {
    const room = await Room.create(db, { input: { name: `contention ${senders}` }, caller: owner.user });
    const clients = new RoomClients(stack);
    // One after the other (simultaneous joins are not the subject here).
    for (let i = 0; i < senders; i++)
      clients.clients.push(await clients.connect(room.roomId, `sender-${senders}-${i}`));
    await proxy.settle();
    proxy.take();
    const problemsBefore = stack.problems.length;

    const echoMs: number[] = [];
    let gaveUp = 0;
    const started = performance.now();
    await Promise.all(
      clients.clients.map(async (sender, s) => {
        for (let n = 0; n < MESSAGES_PER_CONCURRENT_SENDER; n++) {
          const clientMessageId = `contention-${senders}-${s}-${n}`;
          const sentAt = performance.now();
          for (let attempt = 0; ; attempt++) {
            if (attempt >= 10) throw new Error(`${clientMessageId}: refused 10 times`);
            const answer = sender.waitForFrame<{ type: string; code?: string }>(
              (f) =>
                (f.type === "message" && f.message?.clientMessageId === clientMessageId) ||
                (f.type === "error" && f.clientMessageId === clientMessageId),
              120_000,
              `echo of ${clientMessageId}`,
            );
            sender.send({ action: "sendMessage", text: `message ${n} from sender ${s}`, clientMessageId });
            const frame = await answer;
            if (frame.type === "message") break;
            if (frame.code !== "internal")
              throw new Error(`${clientMessageId}: refused with ${JSON.stringify(frame)}`);
            gaveUp++;
          }
          echoMs.push(performance.now() - sentAt);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    // The last fan-outs may still run; their reads belong to this burst too.
    await proxy.settle();
    // A send that gave up logs its SendContendedError (ERROR): expected here, and counted as `gave up`.
    const lines = stack.problems.splice(problemsBefore);
    const gaveUpLogged = lines.filter((line) => line.includes("SendContendedError")).length;
    stack.problems.push(...lines.filter((line) => !line.includes("SendContendedError")));
    if (gaveUpLogged !== gaveUp)
      throw new Error(
        `contention ${senders}: ${gaveUp} sends answered internal, ${gaveUpLogged} SendContendedError lines logged`,
      );
    const tally = sumTally(proxy.take());
    const stored = senders * MESSAGES_PER_CONCURRENT_SENDER;
    const { lastSeq } = await Room.get(db, { roomId: room.roomId });
    if (lastSeq !== stored)
      throw new Error(`contention ${senders}: the room's lastSeq is ${lastSeq}, expected ${stored}`);
    const { calls: attempts, cancellations, cancelledUnits } = tally.transactWrites;
    const lost = cancellations.ConditionalCheckFailed ?? 0;
    const conflicts = cancellations.TransactionConflict ?? 0;
    const other = Object.entries(cancellations).filter(
      ([reason]) => reason !== "ConditionalCheckFailed" && reason !== "TransactionConflict",
    );
    if (tally.errors)
      throw new Error(
        `contention ${senders}: ${tally.errors} DynamoDB calls failed (${tally.operations.join(", ")})`,
      );
    const per = (value: number) => (value / stored).toFixed(2);
    rows.push([
      senders,
      stored,
      per(attempts),
      per(attempts - stored),
      `${per(lost)} / ${per(conflicts)}`,
      gaveUp,
      per(tally.rcu),
      per(tally.wcu),
      per(tally.wcu + cancelledUnits),
      (stored / (elapsedMs / 1000)).toFixed(1),
      ms(percentile(echoMs, 0.5)),
      ms(percentile(echoMs, 0.95)),
      ms(Math.max(...echoMs)),
    ]);
    notes.push(
      `${senders} sender(s): ${tally.operations.join(", ")}${other.length ? `; other cancellations ${JSON.stringify(Object.fromEntries(other))}` : ""}`,
    );
    await removeConnectionRecords(db, room.roomId);
    await clients.closeAll();
    await proxy.settle();
    proxy.take();
  }
  return {
    title: `sendMessage under contention: N senders in one room at once, ${MESSAGES_PER_CONCURRENT_SENDER} messages each (one at a time per sender)`,
    columns: [
      "senders",
      "stored",
      "attempts / msg",
      "retries / msg",
      "lost race / conflict per msg",
      "gave up (resent)",
      "RCU / msg",
      "WCU / msg",
      "WCU / msg incl. cancelled",
      "msgs/s",
      "echo p50 ms",
      "echo p95 ms",
      "echo max ms",
    ],
    rows,
    notes: [
      "attempts = TransactWriteItems calls (each preceded by a strongly consistent GetItem of the room's counter); retries = attempts - stored. lost race: cancelled with ConditionalCheckFailed (another sender took the seq first); conflict: cancelled with TransactionConflict (another transaction held the room item at that moment). Both retry after a full-jitter wait (10-200 ms).",
      "gave up: sends that exhausted the 12 attempts and answered `internal` to the sender; the bench then resent the same clientMessageId (idempotent), so every message is stored once: the room's lastSeq equals the messages sent, checked.",
      "RCU / msg: every read of the burst (counter reads, the sender's connection, the fan-out's room listing) per stored message. WCU / msg: committed transactions sized by AWS's rules (Updates sized from the item read just before, see capacity-proxy.ts), plus other writes. incl. cancelled: as if every cancelled transaction had been charged in full (DynamoDB Local reports nothing for them; what AWS charges for a cancelled TransactWriteItems lies between the two columns).",
      "echo: from the send to the sender's own `message` frame (the sender gets it before the room's fan-out), resends included. The proxy reads each updated item once before forwarding a transaction (to size it), which adds a little latency to every attempt here.",
      ...notes,
    ],
  };
}

/**
 * (v2) A hot message: REACTORS users react with the same emoji to one message at the same moment, through core
 * (Reaction.toggle) on a client that talks to DynamoDB through the capacity proxy. Each toggle is one
 * TransactWriteItems (the user's reaction item + 1 on a count shard); with one shard every toggle updates the
 * same item and concurrent transactions conflict on it, with 8 they spread. Conflicts retry with backoff (8
 * attempts, then the toggle fails `internal`: counted as gave up). Every run checks the count read back equals
 * the reactions stored.
 */
async function measureHotMessage({
  db,
  proxy,
  owner,
}: {
  db: Db;
  proxy: CapacityProxy;
  owner: Session;
}): Promise<BenchTable> {
  const proxied = createDb({ client: localDynamoClient(proxy.endpoint), table: TABLE });
  const rows: (string | number)[][] = [];
  for (const shards of HOT_MESSAGE_SHARDS) {
    const room = await Room.create(db, { input: { name: `hot ${shards}` }, caller: owner.user });
    const { message } = await CoreMessage.send(db, {
      roomId: room.roomId,
      authorId: owner.user.userId,
      author: "owner",
      text: "react to me",
      clientMessageId: `hot-${shards}`,
    });
    // The emoji's place on the message is taken once, before the burst (its cost is the react rows').
    await Reaction.toggle(db, {
      roomId: room.roomId,
      userId: owner.user.userId,
      messageId: message.messageId,
      emoji: "🔥",
      on: true,
    });
    await proxy.settle();
    proxy.take();
    let gaveUp = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: HOT_REACTORS }, (_, i) =>
        Reaction.toggle(
          proxied,
          {
            roomId: room.roomId,
            userId: `hot-${shards}-${i}`,
            messageId: message.messageId,
            emoji: "🔥",
            on: true,
          },
          { shards },
        ).catch((error: Error) => {
          if (error.name !== "TransactionContendedError") throw error;
          gaveUp++;
        }),
      ),
    );
    const elapsedMs = performance.now() - started;
    await proxy.settle();
    const tally = sumTally(proxy.take());
    const stored = HOT_REACTORS - gaveUp;
    const { reactions } = await Reaction.toggle(db, {
      roomId: room.roomId,
      userId: owner.user.userId,
      messageId: message.messageId,
      emoji: "🔥",
      on: true,
    });
    if (reactions[0]?.count !== stored + 1)
      throw new Error(
        `hot message, ${shards} shard(s): count ${reactions[0]?.count}, ${stored + 1} reactions stored`,
      );
    const per = (value: number) => (value / HOT_REACTORS).toFixed(2);
    rows.push([
      shards,
      HOT_REACTORS,
      per(tally.transactWrites.calls),
      per(tally.transactWrites.cancellations.TransactionConflict ?? 0),
      gaveUp,
      per(tally.rcu),
      per(tally.wcu),
      Math.round(elapsedMs),
    ]);
  }
  return {
    title: `react on a hot message: ${HOT_REACTORS} users toggle the same emoji on one message at once, by count shards`,
    columns: [
      "count shards",
      "reactors",
      "transactions / reaction",
      "conflicts / reaction",
      "gave up",
      "RCU / reaction",
      "WCU / reaction",
      "burst ms",
    ],
    rows,
    notes: [
      "Per reaction: a gsi1 Query (the message by id), one TransactWriteItems (Put of the reaction item if absent + UpdateItem ADD on the user's count shard), then a consistent Get of the message and a consistent Query of its count items and the user's reactions (the counts it answers with). The message item is never written by a toggle once the emoji has its place, so it is not hot; only the count shards are.",
      "conflicts: transactions cancelled with TransactionConflict (another transaction on the same count shard at that moment), retried after a full-jitter wait. gave up: toggles that ran out of their 8 attempts (the client would get `internal` and may resend; nothing was written). The counts are read as the sum of the message's count items (at most one per shard and emoji).",
      "DynamoDB Local applies writes one at a time, so it reports no TransactionConflict even with one shard and its burst time is not AWS's; what this table shows locally is that sharding costs no extra capacity per reaction and keeps every count exact. On AWS one item takes about 1,000 WCU/s and concurrent transactions on it conflict: the reason for the shards (packages/core/src/reaction/shard.ts).",
    ],
  };
}

/**
 * The answer to a `sync`: one `snapshot` frame, or (v2) several with `part` 1..n, the last with `last: true`;
 * totals its members and messages, counts the parts and the largest one's bytes (as re-encoded: the server
 * sends JSON.stringify's output). An `error` frame instead resolves with its code and message. One waiter sees
 * every frame (parts can arrive in one TCP read, before a second waiter could be set).
 */
function collectSnapshot(
  client: RoomClient,
): Promise<{ members: number; messages: number; parts: number; largestPart: number } | { error: string }> {
  let members = 0;
  let messages = 0;
  let parts = 0;
  let largestPart = 0;
  let error: string | undefined;
  type Part = {
    type: string;
    code?: string;
    message?: string;
    members?: unknown[];
    messages?: unknown[];
    part?: number;
    last?: boolean;
  };
  return client
    .waitForFrame<Part>(
      (frame: Part) => {
        if (frame.type === "error") {
          error = `${frame.code}: ${frame.message}`;
          return true;
        }
        if (frame.type !== "snapshot") return false;
        parts++;
        largestPart = Math.max(largestPart, Buffer.byteLength(JSON.stringify(frame)));
        members += frame.members?.length ?? 0;
        messages += frame.messages?.length ?? 0;
        if (frame.part !== undefined && frame.part !== parts) {
          error = `parts out of order: part ${frame.part} arrived as the ${parts}th`;
          return true;
        }
        return frame.part === undefined || frame.last === true;
      },
      60_000,
      "snapshot (every part) or error frame",
    )
    .then(() => (error ? { error } : { members, messages, parts, largestPart }));
}

/** Runs `action` and returns what DynamoDB consumed meanwhile; the tally must be empty before it starts. */
function measurer(proxy: CapacityProxy) {
  return async (action: () => Promise<void>): Promise<Ours> => {
    await proxy.settle();
    const leftover = sumTally(proxy.take());
    if (leftover.calls)
      throw new Error(`unexpected DynamoDB traffic between measurements: ${leftover.operations.join(", ")}`);
    await action();
    await proxy.settle();
    const sum = sumTally(proxy.take());
    return sum;
  };
}

/** Polls `check` (every 20 ms, up to 60 s) until it holds. */
async function until(check: () => Promise<boolean>) {
  const deadline = performance.now() + 60_000;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("condition not reached within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** "GetItem, PutItem, Scan" from a list of calls, repeated ones counted: "GetItem x2". */
function summarize(calls: string[]) {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return [...counts].map(([call, count]) => (count > 1 ? `${call} x${count}` : call)).join(", ");
}

/** Deletes a room's connection records straight in DynamoDB, so closing its sockets announces nothing. */
async function removeConnectionRecords(db: Db, roomId: string) {
  const records = await Connection.listByRoom(db, { roomId });
  const batches = Array.from({ length: Math.ceil(records.length / 25) }, (_, i) =>
    records.slice(i * 25, i * 25 + 25),
  );
  await mapConcurrently(batches, 4, async (batch) => {
    const { unprocessed } = await db.entities.connection
      .delete(batch.map(({ connectionId }) => ({ connectionId })))
      .go();
    if (unprocessed.length) throw new Error(`${unprocessed.length} connection records were not deleted`);
  });
}

/**
 * How the room hears a join or a leave (../shared/CONTRACT.md, presence): `memberJoined` / `memberLeft` in rooms up
 * to the presence-detail limit, a `presence` digest naming the member past it (which comes up to n / 20 s later).
 */
function announcement(
  liveMembers: number,
  change: "joined" | "left",
  isIt: (member: any) => boolean,
): [type: string, predicate: (frame: any) => boolean] {
  if (liveMembers > defaultLimits.presenceDetailLimit)
    return ["presence", (frame) => (frame[change] ?? []).some(isIt)];
  return [change === "joined" ? "memberJoined" : "memberLeft", (frame) => isIt(frame.member)];
}
