import * as z from "zod/mini";
import "../errors/english-messages";
import type { Db } from "../db/create-db";
import { NotFoundError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema, newId } from "../ids/ids";
import { defaultLimits } from "../limits/limits";
import { newMembership } from "../membership/new-membership";
import { type Room, type User, visibilitySchema } from "../protocol/shapes";
import { roomName } from "../text/free-text";
import { orderedTodos } from "../todo/todo-order";
import type { RoomItem } from "./room.entity";

export const limitSchema = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50);

export const createInput = z.object({
  name: roomName,
  visibility: z._default(visibilitySchema, "public"),
});
export const listInput = z.object({ limit: limitSchema, cursor: z.optional(idSchema) });
export const roomIdInput = z.object({ roomId: idSchema });

export const toRoom = ({ roomId, name, createdAt, visibility, lastSeq, lastMessageAt }: RoomItem): Room => ({
  roomId,
  name,
  createdAt,
  visibility,
  lastSeq,
  ...(lastMessageAt && { lastMessageAt }),
});

/** Creates a room and makes its creator the owner, in one transaction; its id orders the room list. */
export async function create(
  db: Db,
  { input, caller, now = new Date() }: { input: z.input<typeof createInput>; caller: User; now?: Date },
) {
  const { name, visibility } = parseInput(createInput, input);
  const room: Room = {
    roomId: newId(now.getTime()),
    name,
    createdAt: now.toISOString(),
    visibility,
    lastSeq: 0,
  };
  await db.transaction
    .write(({ room: rooms, membership }) => [
      rooms.create({ ...room, memberCount: 1 }).commit(),
      membership.create(newMembership({ roomId: room.roomId, user: caller, role: "owner", now })).commit(),
    ])
    .go();
  return room;
}

/** Lists public rooms newest first; `cursor` is the last room id of the previous page. Private rooms are never listed. */
export async function list(db: Db, input: z.input<typeof listInput>) {
  const { limit, cursor } = parseInput(listInput, input);
  const query = db.entities.room.query.newestFirst({ visibility: "public" });
  const { data } = await (cursor ? query.lt({ roomId: cursor }) : query).go({
    order: "desc",
    limit: limit + 1,
  });
  const rooms = data.slice(0, limit).map(toRoom);
  return { rooms, cursor: data.length > limit ? (rooms.at(-1)?.roomId ?? null) : null };
}

/** Reads one room, or throws NotFoundError. Visibility is the caller's business (see Membership.access). */
export async function get(db: Db, input: z.input<typeof roomIdInput>): Promise<Room> {
  const { roomId } = parseInput(roomIdInput, input);
  const { data } = await db.entities.room.get({ roomId }).go();
  if (!data) throw new NotFoundError(`Room ${roomId} does not exist`);
  return toRoom(data);
}

/**
 * Reads a room and its todos (in list order) in one Query over the `roomView` collection, bounded: at most
 * `maxTodos` todos (the stage's `todosPerRoom`, which adds refuse past), so the read costs at most that many
 * items (about 500 KB at the default 500 todos of 200 characters: one or two Query pages) however the room was
 * filled. The room item sorts before its todos, so it is always in the result.
 */
export async function getWithTodos(
  db: Db,
  input: z.input<typeof roomIdInput>,
  { maxTodos = defaultLimits.todosPerRoom }: { maxTodos?: number } = {},
) {
  const { roomId } = parseInput(roomIdInput, input);
  const { data } = await db.collections.roomView({ roomId }).go({ limit: maxTodos + 1 });
  const room = data.room[0];
  if (!room) throw new NotFoundError(`Room ${roomId} does not exist`);
  return { room: toRoom(room), todos: orderedTodos(data.todo) };
}
