import { describe, expect, it } from "vitest";
import { leftWith, membershipAfter } from "../../src/network/presence";
import { member } from "./support/fixtures";

const ids = (members: readonly { memberId: string }[]) => members.map((m) => m.memberId);

describe("membershipAfter", () => {
  const state = { members: [member(1), member(2)], memberCount: 2 };

  it("memberJoined adds a new connection and counts it; one already here changes nothing", () => {
    const change = membershipAfter(state, { type: "memberJoined", member: member(3) });
    expect(ids(change?.members ?? [])).toEqual(["m1", "m2", "m3"]);
    expect(change?.memberCount).toBe(3);
    expect(membershipAfter(state, { type: "memberJoined", member: member(2) })).toBeNull();
  });

  it("memberLeft removes the connection and never counts below zero", () => {
    const change = membershipAfter(state, { type: "memberLeft", member: member(1) });
    expect(ids(change?.members ?? [])).toEqual(["m2"]);
    expect(change?.memberCount).toBe(1);
    const uncounted = membershipAfter(
      { members: [member(1)], memberCount: null },
      { type: "memberLeft", member: member(1) },
    );
    expect(uncounted).toEqual({ members: [], memberCount: 0 });
    expect(membershipAfter(state, { type: "memberLeft", member: member(5) })).toBeNull();
  });

  it("presence takes the room's count from the frame", () => {
    const change = membershipAfter(state, {
      type: "presence",
      count: 300,
      joined: [member(3)],
      left: [member(1)],
    });
    expect(ids(change?.members ?? [])).toEqual(["m2", "m3"]);
    expect(change?.memberCount).toBe(300);
  });
});

describe("leftWith", () => {
  it("names who left, from memberLeft or presence", () => {
    expect(leftWith({ type: "memberLeft", member: member(1) })).toEqual(["user-1"]);
    expect(
      leftWith({ type: "presence", count: 1, joined: [member(3)], left: [member(1), member(2)] }),
    ).toEqual(["user-1", "user-2"]);
    expect(leftWith({ type: "memberJoined", member: member(1) })).toEqual([]);
  });
});
