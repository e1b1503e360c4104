import type { ServerFrame, Todo } from "@rooms/core/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveClient, openLive, prepareLive } from "../support/live-client";
import { createSession, type Session } from "../support/room-session";
import { eventually, sleep } from "../support/wait";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * Shared todo lists converge (issue 14): fast-check picks random interleavings of addTodo / moveTodo /
 * updateTodo / deleteTodo from 5 clients on one room, each sent the moment it is due, about what that client's
 * list shows then (stale versions and vanished todos included, as in a browser). Each client applies the frames
 * it receives to a local list the way the browser does. Once every frame is answered:
 * - every client shows the same list in the same order, equal to what `GET /rooms/{id}` returns;
 * - no two todos share a position;
 * - the todos are exactly those added minus those whose delete was accepted (none lost, none resurrected);
 * - every refusal is one the contract gives a racing client (`conflict`, `not_found`), and nothing was logged
 *   at ERROR.
 */
const SEED = 20_261_127;
const RUNS = 15;
const CLIENTS = 5;
/** Todos in the list before the random steps begin. */
const SEEDED = ["one", "two", "three", "four"];

type Op =
  | { kind: "add"; title: string }
  | { kind: "update"; pick: number; change: "done" | "title" | "assignee"; who: number }
  | { kind: "move"; pick: number; after: number | null }
  | { kind: "delete"; pick: number };
type Step = { client: number; delayMs: number; op: Op };

const stepArb: fc.Arbitrary<Step> = fc.record({
  client: fc.nat({ max: CLIENTS - 1 }),
  // Short gaps: a client often acts before the answers to what others just did have reached it.
  delayMs: fc.nat({ max: 30 }),
  op: fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant("add" as const),
        title: fc.string({ minLength: 1, maxLength: 12 }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("update" as const),
        pick: fc.nat(),
        change: fc.constantFrom("done" as const, "title" as const, "assignee" as const),
        who: fc.nat({ max: CLIENTS }),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant("move" as const),
        pick: fc.nat(),
        after: fc.option(fc.nat()),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }), weight: 1 },
  ),
});

/** A client's list as a browser keeps it: newest version of each todo wins, deleted ids stay deleted, by position. */
class LocalList {
  readonly #todos = new Map<string, Todo>();
  readonly #deleted = new Set<string>();

  apply(frame: ServerFrame) {
    if (frame.type === "todo") this.#put(frame.todo);
    else if (frame.type === "error" && "todo" in frame && frame.todo) this.#put(frame.todo);
    else if (frame.type === "todoDeleted") {
      this.#deleted.add(frame.todoId);
      this.#todos.delete(frame.todoId);
    }
  }

  #put(todo: Todo) {
    if (this.#deleted.has(todo.todoId)) return;
    const known = this.#todos.get(todo.todoId);
    if (!known || known.version < todo.version) this.#todos.set(todo.todoId, todo);
  }

  get todos(): Todo[] {
    return [...this.#todos.values()].sort((a, b) =>
      a.position < b.position ? -1 : a.position > b.position ? 1 : a.todoId < b.todoId ? -1 : 1,
    );
  }
}

/** The frame a client sends for `op`, about what its list shows now (an add when the list is empty). */
function frameFor(op: Op, list: Todo[], users: Session[], title: string): Record<string, unknown> {
  if (op.kind === "add" || list.length === 0)
    return { action: "addTodo", title: op.kind === "add" ? op.title : title };
  const todo = list[op.pick % list.length]!;
  if (op.kind === "delete") return { action: "deleteTodo", todoId: todo.todoId, version: todo.version };
  if (op.kind === "move") {
    const others = list.filter((t) => t.todoId !== todo.todoId);
    const after = op.after === null || others.length === 0 ? null : others[op.after % others.length]!.todoId;
    return { action: "moveTodo", todoId: todo.todoId, version: todo.version, after };
  }
  const change =
    op.change === "done"
      ? { done: !todo.done }
      : op.change === "title"
        ? { title }
        : { assigneeId: op.who === CLIENTS ? null : users[op.who]!.user.userId };
  return { action: "updateTodo", todoId: todo.todoId, version: todo.version, ...change };
}

let env: ReliabilityStack;
let users: Session[];

beforeAll(async () => {
  env = await startReliabilityStack();
  users = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => createSession(env.stack.httpUrl, `c${i}`)),
  );
});

afterAll(async () => {
  await env?.stop();
});

describe(`${CLIENTS} clients editing one todo list at random`, () => {
  it(`always converge to the stored list, in order, losing nothing but accepted deletes (${RUNS} runs)`, async () => {
    let runs = 0;
    const stats = { ops: 0, accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 6, maxLength: 24 }), async (steps) => {
        runs++;
        const { roomId } = await env.http.createRoom(`converge ${runs}`);
        const clients: LiveClient[] = await Promise.all(
          users.map(async (who) => openLive(await prepareLive(env.stack, { roomId, who }))),
        );
        try {
          const lists = clients.map(() => new LocalList());
          clients.forEach((client, i) => {
            client.onFrame = (frame) => lists[i]!.apply(frame as ServerFrame);
          });
          // A list everyone already shows, so the first steps already race over the same todos.
          for (const title of SEEDED) {
            clients[0]!.send({ action: "addTodo", title });
            await eventually(() => lists.every((list) => list.todos.some((t) => t.title === title)), {
              timeoutMs: 10_000,
              describe: () => `seeding "${title}"`,
            });
          }
          // Every client's steps in its own order and rhythm; the five run at once.
          await Promise.all(
            clients.map(async (client, c) => {
              let n = 0;
              for (const { op, delayMs } of steps.filter((s) => s.client === c)) {
                await sleep(delayMs);
                client.send(frameFor(op, lists[c]!.todos, users, `${client.name} #${++n}`));
              }
            }),
          );
          // Every frame gets exactly one answer: a broadcast all clients receive, or an error to its sender.
          const answers = (type: string) => (client: LiveClient) => client.count(type);
          const broadcasts = (client: LiveClient) =>
            answers("todo")(client) + answers("todoDeleted")(client) - SEEDED.length;
          const errors = () => clients.reduce((sum, client) => sum + answers("error")(client), 0);
          await eventually(
            () =>
              clients.every((client) => broadcasts(client) === broadcasts(clients[0]!)) &&
              broadcasts(clients[0]!) + errors() === steps.length,
            {
              timeoutMs: 30_000,
              describe: () =>
                `${steps.length} sent; broadcasts ${clients.map(broadcasts).join(",")}; errors ${errors()}`,
            },
          );
          const stored = (await env.http.call("GET", `/rooms/${roomId}`)).json.todos as Todo[];
          for (const list of lists) expect(list.todos).toEqual(stored);
          expect(new Set(stored.map((t) => t.position)).size).toBe(stored.length);

          const seen = clients[0]!.ofType("todo").map((f) => f.todo.todoId);
          const deleted = new Set(clients[0]!.ofType("todoDeleted").map((f) => f.todoId));
          expect(new Set(stored.map((t) => t.todoId))).toEqual(
            new Set(seen.filter((id) => !deleted.has(id))),
          );

          const refusals = clients.flatMap((client) => client.ofType("error").map((f) => f.code));
          expect(refusals.filter((code) => code !== "conflict" && code !== "not_found")).toEqual([]);
          stats.ops += steps.length;
          stats.refused += refusals.length;
          stats.accepted += steps.length - refusals.length;
        } finally {
          await Promise.all(clients.map((client) => client.close().catch(() => {})));
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(
      `todo convergence: ${runs} runs, ${stats.ops} frames (${stats.accepted} accepted, ${stats.refused} refused by a race)`,
    );
    expect(env.failures().escaped).toEqual([]);
  });
});
