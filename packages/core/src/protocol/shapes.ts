import { z } from "zod";

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
}

/** A room in "My rooms": the room and the caller's role in it. */
export type MyRoom = Room & { role: Role };

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
  clientMessageId: string;
  /** The author's userId: what "is this mine" compares. */
  authorId: string;
  /** The author's display name when the message was sent. */
  author: string;
  text: string;
  sentAt: string;
}

export interface Todo {
  todoId: string;
  roomId: string;
  title: string;
  done: boolean;
  version: number;
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
