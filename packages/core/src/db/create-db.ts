import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";
import { createClientIdClaimEntity } from "../claim/claim.entity";
import { createConnectionEntity } from "../connection/connection.entity";
import { createInviteEntity } from "../invite/invite.entity";
import { createMembershipEntity, createRemovalEntity } from "../membership/membership.entity";
import { createMessageEntity } from "../message/message.entity";
import { createPresenceEntity } from "../presence/presence.entity";
import { createRateBucketEntity } from "../rate-limit/rate-bucket.entity";
import { createReactionCountEntity, createReactionEntity } from "../reaction/reaction.entity";
import { createRoomEntity } from "../room/room.entity";
import { createTicketEntity } from "../ticket/ticket.entity";
import { createTodoEntity, createTodoListEntity, createTodoPositionEntity } from "../todo/todo.entity";

export interface DbOptions {
  client: DynamoDBClient;
  table: string;
}

/** Joins every entity of the single table into one ElectroDB Service bound to a client and table name. */
export function createDb({ client, table }: DbOptions) {
  return new Service(
    {
      room: createRoomEntity(),
      todo: createTodoEntity(),
      todoPosition: createTodoPositionEntity(),
      todoList: createTodoListEntity(),
      message: createMessageEntity(),
      reaction: createReactionEntity(),
      reactionCount: createReactionCountEntity(),
      claim: createClientIdClaimEntity(),
      connection: createConnectionEntity(),
      membership: createMembershipEntity(),
      removal: createRemovalEntity(),
      invite: createInviteEntity(),
      ticket: createTicketEntity(),
      rateBucket: createRateBucketEntity(),
      presence: createPresenceEntity(),
    },
    { client, table },
  );
}

export type Db = ReturnType<typeof createDb>;
