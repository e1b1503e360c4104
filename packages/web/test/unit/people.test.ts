import { describe, expect, it } from "vitest";
import type { RoomMember } from "../../src/network";
import { listPeople, unknownLiveUsers } from "../../src/room/people";
import { member } from "./support/fixtures";

const membership = (userId: string, name: string, role: RoomMember["role"] = "member"): RoomMember => ({
  userId,
  name,
  role,
  joinedAt: "2025-01-01T00:00:00.000Z",
});

describe("member list: memberships merged with presence", () => {
  it("groups by userId, never by name: two people called Sam are two rows, one person in two tabs is one", () => {
    const people = listPeople({
      memberships: [
        membership("u-owner", "Zoe", "owner"),
        membership("u-sam1", "Sam"),
        membership("u-sam2", "Sam"),
        membership("u-away", "Al"),
      ],
      live: [
        member(1, "Sam", "u-sam1"),
        member(2, "Sam", "u-sam1"),
        member(3, "Sam", "u-sam2"),
        member(4, "Zoe", "u-owner"),
      ],
    });
    expect(people.map((p) => [p.userId, p.name, p.role, p.connections])).toEqual([
      ["u-owner", "Zoe", "owner", 1],
      ["u-sam1", "Sam", "member", 2],
      ["u-sam2", "Sam", "member", 1],
      ["u-away", "Al", "member", 0],
    ]);
  });

  it("shows someone here but not yet in the loaded memberships, and prefers their live (newest) name", () => {
    const renamed = { ...member(2, "Bo B", "u-bo"), connectedAt: "2025-01-02T00:00:00.000Z" };
    const people = listPeople({
      memberships: [membership("u-bo", "Bo")],
      live: [member(1, "Bo", "u-bo"), renamed, member(3, "New", "u-new")],
    });
    expect(people.map((p) => [p.userId, p.name, p.role])).toEqual([
      ["u-bo", "Bo B", "member"],
      ["u-new", "New", null],
    ]);
    expect(
      unknownLiveUsers({
        memberships: [membership("u-bo", "Bo")],
        live: [member(1, "Bo", "u-bo"), member(3, "New", "u-new"), member(4, "New", "u-new")],
      }),
    ).toEqual(["u-new"]);
  });
});
