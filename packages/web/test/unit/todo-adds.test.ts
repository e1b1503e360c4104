import { describe, expect, it } from "vitest";
import { TodoAdds } from "../../src/network/todo-adds";

const add = (n: number) => ({ action: "addTodo" as const, title: `todo ${n}`, clientTodoId: `c${n}` });

describe("TodoAdds", () => {
  it("lets one add on the wire at a time, in the order queued; its todo lets the next go", () => {
    const adds = new TodoAdds();
    for (const n of [1, 2, 3]) adds.queue(add(n));
    expect(adds.next()).toEqual(add(1));
    expect(adds.next()).toBeNull();
    // Someone else's add, and a todo frame that answers no add (an update, a move), answer nothing.
    expect(adds.answered("someone-else")).toBe(false);
    expect(adds.answered(undefined)).toBe(false);
    expect(adds.next()).toBeNull();
    expect(adds.answered("c1")).toBe(true);
    expect(adds.next()).toEqual(add(2));
    expect(adds.answered("c2")).toBe(true);
    expect(adds.next()).toEqual(add(3));
    expect(adds.answered("c3")).toBe(true);
    expect(adds.next()).toBeNull();
  });

  it("a refusal of the add on the wire lets the next go; one naming another add does not", () => {
    const adds = new TodoAdds();
    adds.queue(add(1));
    adds.queue(add(2));
    adds.queue(add(3));
    adds.next();
    expect(adds.refused("c7")).toBe(false);
    expect(adds.next()).toBeNull();
    expect(adds.refused("c1")).toBe(true);
    expect(adds.next()).toEqual(add(2));
    // An addTodo refusal without a clientTodoId can only be about the one on the wire.
    expect(adds.refused(undefined)).toBe(true);
    expect(adds.next()).toEqual(add(3));
  });

  it("an add to send again goes back to the front of the queue", () => {
    const adds = new TodoAdds();
    adds.queue(add(1));
    adds.queue(add(2));
    adds.next();
    expect(adds.sendAgain("c2")).toBe(false);
    expect(adds.sendAgain("c1")).toBe(true);
    expect(adds.next()).toEqual(add(1));
    expect(adds.sendAgain(undefined)).toBe(true);
    expect(adds.next()).toEqual(add(1));
  });

  it("released, the add on the wire is not waited for and not sent again; the queued ones stay in order", () => {
    const adds = new TodoAdds();
    for (const n of [1, 2, 3]) adds.queue(add(n));
    adds.next();
    adds.release();
    expect(adds.answered("c1")).toBe(false);
    expect(adds.next()).toEqual(add(2));
    adds.release();
    expect(adds.next()).toEqual(add(3));
    adds.release();
    expect(adds.next()).toBeNull();
  });
});
