import { z } from "zod";

/** The public shapes clients see. Connection ids and table keys never appear in them. */
export const roomShape = z.object({ roomId: z.string(), name: z.string(), createdAt: z.string() });
export type Room = z.infer<typeof roomShape>;

export const messageShape = z.object({
  messageId: z.string(),
  roomId: z.string(),
  clientMessageId: z.string(),
  author: z.string(),
  text: z.string(),
  sentAt: z.string(),
});
export type Message = z.infer<typeof messageShape>;

export const todoShape = z.object({
  todoId: z.string(),
  roomId: z.string(),
  title: z.string(),
  done: z.boolean(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Todo = z.infer<typeof todoShape>;

export const memberShape = z.object({ memberId: z.string(), name: z.string(), connectedAt: z.string() });
export type Member = z.infer<typeof memberShape>;
