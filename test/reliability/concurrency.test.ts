import type { ServerFrame, Todo } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveClient, openLive, prepareLive, type ReceivedFrame } from "../support/live-client";
import { once } from "../support/once";
import { eventually, sleep } from "../support/wait";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * Concurrency: 20 members toggle the same todo at the same moment, all claiming the version they last saw.
 * Per version exactly one wins (the room gets that todo at version + 1), the other 19 each get `conflict` with the
 * current todo, and after every round the stored todo is the last winner's.
 */
const CLIENTS = 20;
const ROUNDS = 10;

type TodoFrame = Extract<ServerFrame, { type: "todo" }>;
type ConflictFrame = Extract<ServerFrame, { type: "error"; code: "conflict" }>;

let env: ReliabilityStack;
let roomId: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  env = await startReliabilityStack();
  roomId = (await env.http.createRoom("contended todo")).roomId;
  // Sessions and tickets first, then all join at once: simultaneous joins must not prune each other (the todo
  // race below needs all 20 in the room).
  const tickets = await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) => prepareLive(env.stack, { roomId, who: `c${c}` })),
  );
  clients.push(...(await Promise.all(tickets.map(openLive))));
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await env?.stop();
});

const todosOf = (client: LiveClient) => client.ofType("todo").map((frame) => frame.todo);
const conflictsOf = (client: LiveClient) =>
  client.frames.filter(
    (f): f is ConflictFrame => f.type === "error" && (f as { code?: string }).code === "conflict",
  );

/** The todo everyone races for, added by the first member and seen by all. */
const addTodo = once(async () => {
  clients[0]!.send({ action: "addTodo", title: "water the plants" });
  await eventually(() => clients.every((client) => client.count("todo") === 1), {
    timeoutMs: 15_000,
    describe: () => clients.map((c) => c.count("todo")).join(","),
  });
  return todosOf(clients[0]!)[0]!;
});

/**
 * The rounds: in each, all members update the todo at once, claiming the version the last round left. Returns,
 * per round, the todo it started from and the frames each member received during it; and the final todo.
 */
const runRounds = once(async () => {
  let current = await addTodo();
  const rounds: { version: number; before: Todo; fresh: ReceivedFrame[][] }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const version = round + 1;
    const marks = clients.map((client) => ({
      todos: client.count("todo"),
      errors: client.count("error"),
      frames: client.frames.length,
    }));
    // All 20 frames leave before any answer can arrive: the handlers race for the same version.
    for (const [c, client] of clients.entries()) {
      client.send({
        action: "updateTodo",
        todoId: current.todoId,
        version,
        title: `round ${round} by c${c}`,
        done: !current.done,
      });
    }
    await eventually(() => clients.every((client, c) => client.count("todo") >= marks[c]!.todos + 1), {
      timeoutMs: 20_000,
      describe: () =>
        clients
          .map(
            (c, i) =>
              `${c.name}:+${c.count("todo") - marks[i]!.todos}todo/+${c.count("error") - marks[i]!.errors}err`,
          )
          .join(" "),
    });
    // Wait for every loser's conflict too (19 of them), then a moment for anything extra.
    await eventually(
      () =>
        clients.reduce((sum, client, c) => sum + client.count("error") - marks[c]!.errors, 0) >= CLIENTS - 1,
      {
        timeoutMs: 20_000,
        describe: () =>
          `${clients.reduce((sum, client, c) => sum + client.count("error") - marks[c]!.errors, 0)} conflicts`,
      },
    );
    await sleep(100);

    const fresh = clients.map((client, c) => client.frames.slice(marks[c]!.frames));
    rounds.push({ version, before: current, fresh });
    const next = fresh[0]!.find((f): f is TodoFrame => f.type === "todo");
    if (!next) throw new Error(`round ${round}: ${clients[0]!.name} got no todo frame`);
    current = next.todo;
  }
  return { rounds, last: current };
});

describe(`${CLIENTS} members updating one todo at once, ${ROUNDS} rounds`, () => {
  it("everyone sees the new todo at version 1", async () => {
    const todo = await addTodo();
    expect(todo).toMatchObject({ title: "water the plants", done: false, version: 1 });
    for (const client of clients) expect(todosOf(client)).toEqual([todo]);
  });

  it("per version exactly one update wins, the others get conflict with the winner's todo", async () => {
    const { rounds } = await runRounds();
    const winners: Todo[] = [];
    for (const [round, { version, before, fresh }] of rounds.entries()) {
      const broadcast = fresh.map((frames) =>
        frames.filter((f): f is TodoFrame => f.type === "todo").map((f) => f.todo),
      );
      // Every member got exactly one todo frame this round, all the same: version + 1.
      for (const got of broadcast) expect(got).toEqual([broadcast[0]![0]]);
      const winner = broadcast[0]![0]!;
      expect(winner.version).toBe(version + 1);
      expect(winner.done).toBe(!before.done);
      const winnerIndex = Number(/by c(\d+)$/.exec(winner.title)?.[1]);
      expect(winner.title).toBe(`round ${round} by c${winnerIndex}`);

      // Everyone else got exactly one conflict carrying that very todo; the winner none; no other frame at all.
      for (const [c, frames] of fresh.entries()) {
        const conflicts = frames.filter((f) => f.type === "error");
        // Announcements of the simultaneous joins may still be arriving: presence goes out from the table's
        // stream, after the handshakes. Anything else is not the race's.
        const others = frames.filter(
          (f) => f.type !== "error" && f.type !== "todo" && f.type !== "memberJoined",
        );
        expect(others, `${clients[c]!.name}: frames besides todo and conflict`).toEqual([]);
        if (c === winnerIndex) {
          expect(conflicts, `winner c${c}`).toEqual([]);
          continue;
        }
        expect(conflicts, clients[c]!.name).toEqual([
          {
            type: "error",
            code: "conflict",
            message: expect.any(String),
            action: "updateTodo",
            todo: winner,
          },
        ]);
      }
      winners.push(winner);
    }
    expect(winners.map((w) => w.version)).toEqual(Array.from({ length: ROUNDS }, (_, r) => r + 2));
    expect(clients.reduce((sum, client) => sum + conflictsOf(client).length, 0)).toBe(ROUNDS * (CLIENTS - 1));
  });

  it("the stored todo is the last winner's", async () => {
    const { last } = await runRounds();
    const reply = await env.http.call("GET", `/rooms/${roomId}`);
    expect(reply.status).toBe(200);
    expect(reply.json.todos).toEqual([last]);
    expect(last.version).toBe(ROUNDS + 1);
  });

  it("nothing escaped a handler and no delivery problem was logged", async () => {
    await runRounds();
    const { escaped, deliveryWarnings } = env.failures();
    expect(escaped).toEqual([]);
    expect(deliveryWarnings.map((w) => w.line)).toEqual([]);
  });
});
