import { describe, expect, it } from "vitest";
import { LastSeqMemory } from "../../src/message/last-seq-memory";

describe("LastSeqMemory", () => {
  it("guesses nothing for a room it has not seen, nor after a first read", () => {
    const memory = new LastSeqMemory();
    expect(memory.guess("r")).toBeUndefined();
    memory.read("r", 7);
    expect(memory.guess("r")).toBeUndefined();
  });

  it("guesses once a read finds the room where this container left it, and keeps guessing while its guesses win", () => {
    const memory = new LastSeqMemory();
    memory.read("r", 7);
    memory.stored("r", 8, { lostRace: false });
    memory.read("r", 8);
    memory.stored("r", 9, { lostRace: false });
    expect(memory.guess("r")).toBe(9);
    memory.stored("r", 10, { lostRace: false });
    expect(memory.guess("r")).toBe(10);
  });

  it("reads first again after a guess lost, and while reads find the room moved elsewhere", () => {
    const memory = new LastSeqMemory();
    memory.read("r", 1);
    memory.stored("r", 2, { lostRace: false });
    memory.read("r", 2);
    memory.stored("r", 3, { lostRace: false });
    memory.stored("r", 6, { lostRace: true });
    expect(memory.guess("r")).toBeUndefined();
    memory.read("r", 9); // moved again since 6
    memory.stored("r", 10, { lostRace: false });
    expect(memory.guess("r")).toBeUndefined();
    memory.read("r", 10); // unmoved: guessing pays again
    expect(memory.guess("r")).toBe(10);
  });

  it("holds at most maxRooms rooms, forgetting the least recently used", () => {
    const memory = new LastSeqMemory(2);
    for (const room of ["a", "b"]) {
      memory.read(room, 1);
      memory.read(room, 1);
    }
    memory.guess("a");
    memory.read("a", 1);
    memory.read("c", 1);
    memory.read("c", 1);
    expect([memory.guess("a"), memory.guess("b"), memory.guess("c")]).toEqual([1, undefined, 1]);
  });
});
