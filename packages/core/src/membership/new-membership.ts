import type { Role, User } from "../protocol/shapes";
import type { MembershipItem } from "./membership.entity";

/** A new membership of `user` in `roomId` (Room.create writes the owner's; joins and invites a member's). */
export function newMembership({
  roomId,
  user,
  role,
  now,
  readSeq = 0,
}: {
  roomId: string;
  user: User;
  role: Role;
  now: Date;
  readSeq?: number;
}): MembershipItem {
  return {
    roomId,
    userId: user.userId,
    name: user.name,
    role,
    joinedAt: now.toISOString(),
    readSeq,
    mentionSeqs: [],
  };
}
