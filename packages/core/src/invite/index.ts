export * as Invite from "./invite";
export type { InviteItem } from "./invite.entity";
