import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db";
import { TransactionContendedError } from "../../src/db/retry-transaction";
import { ConflictError, NotFoundError } from "../../src/errors";
import { Todo } from "../../src/todo";

/**
 * The one seam faked here is the DynamoDB client: it answers reads with fixed items and cancels transactions
 * with the reasons a test gives, the way DynamoDB reports throttling and conflicts inside TransactWriteItems
 * (which DynamoDB Local never does on demand).
 */
const roomId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4A";
const todoId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4B";
const at = "2026-11-27T20:00:00.000Z";

type Reason = { Code: string };
const cancelled = (...codes: string[]) =>
  Object.assign(new Error("Transaction cancelled"), {
    name: "TransactionCanceledException",
    CancellationReasons: codes.map((Code): Reason => ({ Code })),
  });

/** A client whose transactions fail with `outcomes` in turn (an Error is thrown, null succeeds). */
function fakeClient(outcomes: (Error | null)[], items: Record<string, unknown>[]) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      calls.push({ command: name, input: command.input });
      if (name === "TransactWriteCommand") {
        const outcome = outcomes.shift();
        if (outcome) throw outcome;
        return {};
      }
      if (name === "GetCommand") {
        const key = command.input.Key as { pk: string; sk: string };
        return { Item: items.find((item) => item.pk === key.pk && item.sk === key.sk) };
      }
      if (name === "QueryCommand") return { Items: [] };
      throw new Error(`unexpected ${name}`);
    },
  };
  const db = createDb({ client: client as unknown as DynamoDBClient, table: "fake" });
  return { db, calls, transactions: () => calls.filter((c) => c.command === "TransactWriteCommand").length };
}

/** A stored todo as the table holds it (keys and ElectroDB's identifiers included). */
function storedTodo(db: ReturnType<typeof createDb>) {
  const todo = {
    roomId,
    todoId,
    title: "t",
    done: false,
    version: 1,
    position: "a0",
    createdAt: at,
    updatedAt: at,
  };
  return db.entities.todo.put(todo).params().Item as Record<string, unknown>;
}

function withStoredTodo(outcomes: (Error | null)[]) {
  const probe = createDb({ client: { send: async () => ({}) } as unknown as DynamoDBClient, table: "fake" });
  return fakeClient(outcomes, [storedTodo(probe)]);
}

describe("todo writes read their transaction outcomes", () => {
  it("throttling is retried with backoff, then succeeds", async () => {
    const fake = withStoredTodo([
      cancelled("ThrottlingError", "None", "None"),
      cancelled("TransactionConflict", "None", "None"),
      null,
    ]);
    await expect(Todo.remove(fake.db, { roomId, todoId, version: 1 })).resolves.toBeUndefined();
    expect(fake.transactions()).toBe(3);
  });

  it("throttling that lasts ends as TransactionContendedError (internal), never not_found or a duplicate", async () => {
    const fake = withStoredTodo(
      Array.from({ length: 20 }, () => cancelled("None", "ThrottlingError", "None")),
    );
    const error = await Todo.remove(fake.db, { roomId, todoId, version: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(TransactionContendedError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(fake.transactions()).toBe(8);
  });

  it("a throttled add with a client id is retried, not mistaken for a duplicate", async () => {
    const fake = fakeClient([cancelled("None", "None", "None", "ThrottlingError"), null], []);
    const { todo, created } = await Todo.add(fake.db, {
      roomId,
      userId: "u1",
      title: "t",
      clientTodoId: "c1",
    });
    expect(created).toBe(true);
    expect(todo.title).toBe("t");
    expect(fake.transactions()).toBe(2);
    // No claim lookup happened: only a false claim condition means "duplicate".
    expect(fake.calls.filter((c) => c.command === "GetCommand")).toEqual([]);
  });

  it("a false claim condition is a duplicate, looked up with strongly consistent reads", async () => {
    const probe = createDb({
      client: { send: async () => ({}) } as unknown as DynamoDBClient,
      table: "fake",
    });
    const claim = probe.entities.claim
      .put({ roomId, scope: "todo", userId: "u1", clientId: "c1", targetId: todoId })
      .params().Item as Record<string, unknown>;
    const fake = fakeClient(
      [cancelled("None", "None", "None", "ConditionalCheckFailed")],
      [claim, storedTodo(probe)],
    );
    const { todo, created } = await Todo.add(fake.db, {
      roomId,
      userId: "u1",
      title: "again",
      clientTodoId: "c1",
    });
    expect(created).toBe(false);
    expect(todo).toMatchObject({ todoId, title: "t", version: 1 });
    const gets = fake.calls.filter((c) => c.command === "GetCommand");
    expect(gets).toHaveLength(2);
    expect(gets.every((get) => get.input.ConsistentRead === true)).toBe(true);
  });

  it("a false version condition is read again and answered as a conflict with the current todo", async () => {
    const fake = withStoredTodo([]);
    const error = await Todo.remove(fake.db, { roomId, todoId, version: 7 }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.current).toMatchObject({ todoId, version: 1, position: "a0" });
    expect(fake.transactions()).toBe(0);
  });
});
