import * as z from "zod/mini";
import "../errors/english-messages";

/** The public shapes clients see. Connection ids, tickets and table keys never appear in them. */
export const visibilitySchema = z.enum(["public", "private"]);
export type Visibility = z.infer<typeof visibilitySchema>;
export type Role = "owner" | "member";

export interface User {
  userId: string;
  name: string;
}

export interface Room {
  roomId: string;
  name: string;
  createdAt: string;
  visibility: Visibility;
  /** The `seq` of the newest message (0: none yet). */
  lastSeq: number;
  lastMessageAt?: string;
}

/** A room in "My rooms": the room, the caller's role, and what they have not read yet. */
export type MyRoom = Room & { role: Role; unread: number; unreadMentions: number };

/** A membership as the member list shows it (not a connection: members may be offline). */
export interface RoomMember {
  userId: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Message {
  messageId: string;
  roomId: string;
  /** 1, 2, 3… per room, in the order the room stored them: no gaps, no repeats. */
  seq: number;
  clientMessageId: string;
  /** The author's userId: what "is this mine" compares. */
  authorId: string;
  /** The author's display name when the message was sent. */
  author: string;
  text: string;
  /** userIds the author mentioned. */
  mentions: string[];
  sentAt: string;
  /** (v2) When the author last edited `text`. */
  editedAt?: string;
  /** (v2) A tombstone: deleted by its author or the room's owner; `text` is "" and mentions and reactions are empty. */
  deletedAt?: string;
  /**
   * (v2) Emojis with a count above 0, in order of first use. Every message the server sends carries it (frames,
   * history, snapshots); optional here only because a message being stored has none yet.
   */
  reactions?: Reaction[];
}

/** (v2) One emoji's reactions on a message. */
export interface Reaction {
  emoji: string;
  count: number;
  /**
   * The reader's own reaction is among them: set (true or false for every emoji) where the reader is known:
   * history over HTTP, snapshots, and the `reactions` frames to the reacting user's own connections.
   */
  mine?: boolean;
}

/** A member's read position, for "seen by". */
export interface ReadPosition {
  userId: string;
  seq: number;
}

export interface Todo {
  todoId: string;
  roomId: string;
  title: string;
  done: boolean;
  version: number;
  /** Fractional index: lists are ordered by it (plain string comparison). */
  position: string;
  /** A member of the room the todo is assigned to. */
  assigneeId?: string;
  createdAt: string;
  updatedAt: string;
}

/** One live connection in a room: a user with two tabs open is two members with the same userId. */
export interface Member {
  memberId: string;
  userId: string;
  name: string;
  connectedAt: string;
}
