import type { ServerFrame } from "./protocol";
import { addMember, applyPresence, type RoomState, removeMember } from "./room-state";

export type MembershipFrame = Extract<ServerFrame, { type: "memberJoined" | "memberLeft" | "presence" }>;
type Membership = Pick<RoomState, "members" | "memberCount">;

/**
 * Who is in the room after `memberJoined`, `memberLeft` (small rooms) or `presence` (rooms past the
 * presence-detail limit, with the room's count): the change, or null if there is none.
 */
export function membershipAfter(state: Membership, frame: MembershipFrame): Membership | null {
  if (frame.type === "presence")
    return { members: applyPresence(state.members, frame), memberCount: frame.count };
  const members = (frame.type === "memberJoined" ? addMember : removeMember)(state.members, frame.member);
  if (members === state.members) return null;
  const memberCount = Math.max(0, (state.memberCount ?? 0) + members.length - state.members.length);
  return { members, memberCount };
}

/** The userIds a membership frame says left. */
export const leftWith = (frame: MembershipFrame): string[] =>
  frame.type === "presence"
    ? frame.left.map((m) => m.userId)
    : frame.type === "memberLeft"
      ? [frame.member.userId]
      : [];
