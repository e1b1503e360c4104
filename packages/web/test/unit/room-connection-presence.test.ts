import { describe, expect, it } from "vitest";
import { applyPresence } from "../../src/network/room-state";
import { member } from "./support/fixtures";
import { harness } from "./support/harness";

const ids = (members: readonly { memberId: string }[]) => members.map((m) => m.memberId);

describe("presence", () => {
  it("applyPresence: who left goes, who joined comes once, and one who came and went in the same frame is not here", () => {
    const here = [member(1), member(2)];
    const next = applyPresence(here, {
      type: "presence",
      count: 3,
      joined: [member(2), member(3), member(4)],
      left: [member(1), member(4)],
    });
    expect(ids(next)).toEqual(["m2", "m3"]);
  });

  it("a large room: the count comes from the snapshot, then from presence frames; typists who left stop typing", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ members: [], memberCount: 250 });
    expect(connection.state.memberCount).toBe(250);
    sockets.last.receive({ type: "typing", member: member(7) });
    sockets.last.receive({ type: "presence", count: 251, joined: [member(8), member(9)], left: [member(7)] });
    expect(connection.state.memberCount).toBe(251);
    expect(ids(connection.state.members)).toEqual(["m8", "m9"]);
    expect(connection.state.typing).toEqual([]);
  });

  it("a small room: memberJoined and memberLeft keep the count with the list", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ members: [member(1)], memberCount: 1 });
    sockets.last.receive({ type: "memberJoined", member: member(2) });
    sockets.last.receive({ type: "memberJoined", member: member(2) });
    expect(connection.state.memberCount).toBe(2);
    sockets.last.receive({ type: "memberLeft", member: member(1) });
    expect(connection.state).toMatchObject({ memberCount: 1, members: [member(2)] });
  });
});
