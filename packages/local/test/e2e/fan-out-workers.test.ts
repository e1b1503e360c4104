import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { eventually, sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import { clientId, joinRoom, type RoomClient, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * Large rooms' fan-out through the fan-out queue's workers (the local SQS emulation): with the inline limit
 * lowered to 5 and pages of 10, a room of 20 is "large". One worker (W = 1) and a 1 s visibility timeout make a
 * failed page's second delivery quick and its order deterministic.
 */
let stack: LocalStack;
/** Every member stays connected until the end: a room emptying mid-file would queue presence jobs the counts see. */
const everyone: RoomClient[] = [];
beforeAll(async () => {
  stack = await startE2eStack({
    fanOut: { workers: 1, visibilityTimeoutMs: 1_000, inlineLimit: 5, pageSize: 10 },
    presence: { detailLimit: 5 },
  });
});
afterAll(async () => {
  await Promise.all(everyone.map((m) => m.close()));
  await stack?.stop();
});

async function largeRoom(name: string, size: number) {
  const owner = await signIn(stack, "Owner");
  const room = await httpClient(stack.httpUrl, owner).createRoom(name);
  const users = await Promise.all(["Ann", "Ben", "Cat", "Dan"].map((n) => signIn(stack, n)));
  const members: RoomClient[] = [];
  for (let i = 0; i < size; i++) members.push(await joinRoom(stack, room.roomId, users[i % users.length]!));
  everyone.push(...members);
  // Let the joins' presence announcements finish: the assertions below count posts and frames.
  await eventually(
    () => members.every((m) => (m.all((f: any) => f.type === "presence") as any[]).at(-1)?.count === size),
    {
      timeoutMs: 15_000,
    },
  );
  // ... including a delayed digest job (the presence budget's) still waiting on the fan-out queue.
  await eventually(() => stack.queues.FanOut!.depth() === 0, { timeoutMs: 15_000 });
  await sleep(300);
  return members;
}

/** What a member's screen shows: messages by id, repeats dropped (the web client dedupes by id and seq). */
const onScreen = (member: RoomClient, clientMessageId: string) =>
  new Set(
    member
      .all((f: any) => f.type === "message" && f.message.clientMessageId === clientMessageId)
      .map((f: any) => f.message.messageId),
  ).size;

describe("fan-out workers", () => {
  it("a large room's message goes through the workers and reaches every member exactly once", async () => {
    const members = await largeRoom("Workers", 20);
    const receivedBefore = stack.queues.FanOut!.received();
    const id = clientId("big");
    members[0]!.send({ action: "sendMessage", text: "to everyone", clientMessageId: id });
    for (const member of members)
      await member.next((f: any) => f.type === "message" && f.message.clientMessageId === id);
    await sleep(300);
    for (const member of members)
      expect(member.all((f: any) => f.type === "message" && f.message.clientMessageId === id)).toHaveLength(
        1,
      );
    // The 19 others in two pages (10 + 9): the sender has its copy as the reply.
    expect(stack.queues.FanOut!.received() - receivedBefore).toBe(2);
    expect(stack.queues.FanOut!.depth()).toBe(0);
  });

  it("a worker failing mid-page leaves its page to be delivered again: nobody misses the message", async () => {
    const members = await largeRoom("Failing worker", 20);
    const receivedBefore = stack.queues.FanOut!.received();
    const id = clientId("retry");
    // The sender's reply and 4 posts of the first page get through; the other 6 fail all 4 attempts.
    stack.faults.failPosts({ after: 5, fail: 24 });
    members[0]!.send({ action: "sendMessage", text: "survives a worker", clientMessageId: id });
    for (const member of members)
      await member.next((f: any) => f.type === "message" && f.message.clientMessageId === id, 15_000);
    // The failed page was received twice (and the other once); none went to the dead-letter queue.
    await eventually(() => stack.queues.FanOut!.depth() === 0, { timeoutMs: 10_000 });
    expect(stack.queues.FanOut!.received() - receivedBefore).toBe(3);
    expect(stack.queues.FanOut!.deadLetters).toEqual([]);
    // Members of the redelivered page who had it already got it twice; on screen, everyone has it once.
    const copies = members.map(
      (m) => m.all((f: any) => f.type === "message" && f.message.clientMessageId === id).length,
    );
    expect(copies.filter((n) => n === 2)).toHaveLength(4);
    for (const member of members) expect(onScreen(member, id)).toBe(1);
  });
});
