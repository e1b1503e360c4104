import type { ServerFrame, Todo } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveClient, openLive, prepareLive, sleep, until } from "./support/live-client";
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

describe(`${CLIENTS} members updating one todo at once, ${ROUNDS} rounds`, () => {
  let todo: Todo;

  it("everyone sees the new todo at version 1", async () => {
    clients[0]!.send({ action: "addTodo", title: "water the plants" });
    await until(() => clients.every((client) => client.count("todo") === 1), {
      timeoutMs: 15_000,
      describe: () => clients.map((c) => c.count("todo")).join(","),
    });
    todo = todosOf(clients[0]!)[0]!;
    expect(todo).toMatchObject({ title: "water the plants", done: false, version: 1 });
    for (const client of clients) expect(todosOf(client)).toEqual([todo]);
  });

  it("per version exactly one update wins, the others get conflict with the winner's todo", async () => {
    const winners: Todo[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const version = round + 1;
      const marks = clients.map((client) => ({
        todos: client.count("todo"),
        errors: client.count("error"),
        frames: client.frames.length,
      }));
      // All 20 frames leave before any answer can arrive: the handlers race for the same version.
      clients.forEach((client, c) =>
        client.send({
          action: "updateTodo",
          todoId: todo.todoId,
          version,
          title: `round ${round} by c${c}`,
          done: !todo.done,
        }),
      );
      await until(() => clients.every((client, c) => client.count("todo") >= marks[c]!.todos + 1), {
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
      await until(
        () =>
          clients.reduce((sum, client, c) => sum + client.count("error") - marks[c]!.errors, 0) >=
          CLIENTS - 1,
        {
          timeoutMs: 20_000,
          describe: () =>
            `${clients.reduce((sum, client, c) => sum + client.count("error") - marks[c]!.errors, 0)} conflicts`,
        },
      );
      await sleep(100);

      const fresh = clients.map((client, c) => client.frames.slice(marks[c]!.frames));
      const broadcast = fresh.map((frames) =>
        frames.filter((f): f is TodoFrame => f.type === "todo").map((f) => f.todo),
      );
      // Every member got exactly one todo frame this round, all the same: version + 1.
      for (const got of broadcast) expect(got).toEqual([broadcast[0]![0]]);
      const winner = broadcast[0]![0]!;
      expect(winner.version).toBe(version + 1);
      expect(winner.done).toBe(!todo.done);
      const winnerIndex = Number(/by c(\d+)$/.exec(winner.title)?.[1]);
      expect(winner.title).toBe(`round ${round} by c${winnerIndex}`);

      // Everyone else got exactly one conflict carrying that very todo; the winner none; no other frame at all.
      fresh.forEach((frames, c) => {
        const conflicts = frames.filter((f) => f.type === "error");
        const others = frames.filter((f) => f.type !== "error" && f.type !== "todo");
        expect(others, clients[c]!.name).toEqual([]);
        if (c === winnerIndex) return expect(conflicts, `winner c${c}`).toEqual([]);
        expect(conflicts, clients[c]!.name).toEqual([
          {
            type: "error",
            code: "conflict",
            message: expect.any(String),
            action: "updateTodo",
            todo: winner,
          },
        ]);
      });
      winners.push(winner);
      todo = winner;
    }
    expect(winners.map((w) => w.version)).toEqual(Array.from({ length: ROUNDS }, (_, r) => r + 2));
    expect(clients.reduce((sum, client) => sum + conflictsOf(client).length, 0)).toBe(ROUNDS * (CLIENTS - 1));
  });

  it("the stored todo is the last winner's", async () => {
    const reply = await env.http.call("GET", `/rooms/${roomId}`);
    expect(reply.status).toBe(200);
    expect(reply.json.todos).toEqual([todo]);
    expect(todo.version).toBe(ROUNDS + 1);
  });

  it("nothing escaped a handler and no delivery problem was logged", () => {
    const { escaped, deliveryWarnings } = env.failures();
    expect(escaped).toEqual([]);
    expect(deliveryWarnings.map((w) => w.line)).toEqual([]);
  });
});
