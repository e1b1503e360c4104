/**
 * The latency floors: the same fan-out as a room broadcast, written straight to the sockets by one bare `ws`
 * server process. A `sendMessage` frame becomes the same `{"type":"message","message":{...}}` frame and is sent
 * to every socket of the room, sender included.
 * - `/` (the bare ws floor): nothing else. No Lambda handlers, no DynamoDB, no @connections hop.
 * - `/durable` (the serverless floor; needs `durable` settings in argv[2]): before the fan-out, one PutItem of the
 *   message into the stack's table on its DynamoDB Local, then one PostToConnection of the frame to one real
 *   connection of the stack's gateway (the probe), as one SigV4-signed request (core's createSignedPost, the
 *   cheapest post we know), each awaited in turn: the least a durable serverless broadcast pays per message.
 *   Both are timed and reported to the parent per message (`durableTimings`).
 * - `/transactional` (the transactional floor; the same settings): as `/durable`, but the message is stored the
 *   way an ordered, idempotent, access-checked send must store it, in one TransactWriteItems of the same five items
 *   as ours (the room's counter moved on under a condition, the client id claimed, the message put, the author's
 *   membership updated, the sender's rate-limit bucket written under its condition), outside the app's keys. What
 *   stands between it and the serverless floor is the price of that transaction on this DynamoDB Local.
 * Run as a child (startBareFanoutServer); clients connect with ?roomId=&name= (the floor checks no identity: the
 * real gateway's tickets are taken before the measured part, so they are not part of the comparison).
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { classifyPostError, createSignedPost } from "@rooms/core/broadcast";
import { type WebSocket, WebSocketServer } from "ws";

export interface DurableFloorSettings {
  dynamodbEndpoint: string;
  tableName: string;
  /** The stack's @connections endpoint (stage included) and the probe connection posted to. */
  connectionsUrl: string;
  probeConnectionId: string;
}

export interface FloorServerOptions {
  durable?: DurableFloorSettings;
}

export type FloorServerMessage =
  | { type: "ready"; url: string }
  | {
      type: "durableTimings";
      clientMessageId: string;
      putMs: number;
      postMs: number;
      transactional: boolean;
    };

const options = JSON.parse(process.argv[2] ?? "{}") as FloorServerOptions;
const send = (message: FloorServerMessage) => process.send?.(message);

/** The durable steps, set up once: the same client settings as the local stack's handlers (keep-alive). */
function durableSteps({
  dynamodbEndpoint,
  tableName,
  connectionsUrl,
  probeConnectionId,
}: DurableFloorSettings) {
  const dynamo = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: 500 } },
  });
  // The cheapest post we know: the request the SDK would send, signed by its signer, without its middleware.
  const postToProbe = createSignedPost({
    endpoint: connectionsUrl,
    client: new ApiGatewayManagementApiClient({
      endpoint: connectionsUrl,
      region: "local",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
    agents: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
    timeoutMs: 3_000,
    classify: classifyPostError,
  });
  const encoder = new TextEncoder();
  /** The one write of the serverless floor: the message as one item, as large as a stored message item. */
  const putMessage = (message: Record<string, string>) =>
    dynamo.send(
      new PutItemCommand({
        TableName: tableName,
        // Outside every key the app uses.
        Item: {
          pk: { S: `$bench#serverlessFloor_${message.roomId}` },
          sk: { S: `$message_1#messageId_${message.messageId}` },
          ...Object.fromEntries(Object.entries(message).map(([name, value]) => [name, { S: value }])),
        },
      }),
    );
  /** The transactional floor's write: ours' five items, with their conditions, under keys of its own. */
  const counters = new Map<string, number>();
  const transactMessage = async (message: Record<string, string>) => {
    const roomKey = `$bench#transactionalFloor_${message.roomId}`;
    const seq = (counters.get(roomKey) ?? 0) + 1;
    const now = Date.now();
    const key = (pk: string, sk: string) => ({ pk: { S: pk }, sk: { S: sk } });
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName,
              Key: key(roomKey, "$room"),
              UpdateExpression: "SET lastSeq = :seq, lastMessageAt = :at",
              ConditionExpression: "attribute_not_exists(lastSeq) OR lastSeq = :previous",
              ExpressionAttributeValues: {
                ":seq": { N: String(seq) },
                ":previous": { N: String(seq - 1) },
                ":at": { S: message.sentAt! },
              },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...key(roomKey, `$claim#${message.clientMessageId}`), seq: { N: String(seq) } },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: {
                ...key(roomKey, `$message#${String(seq).padStart(16, "0")}`),
                ...Object.fromEntries(Object.entries(message).map(([name, value]) => [name, { S: value }])),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: key(roomKey, `$member#${message.author}`),
              UpdateExpression: "SET readSeq = :seq",
              ExpressionAttributeValues: { ":seq": { N: String(seq) } },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...key(`${roomKey}#bucket`, message.author!), tat: { N: String(now + 1) } },
              ConditionExpression: "attribute_not_exists(tat) OR tat <= :now",
              ExpressionAttributeValues: { ":now": { N: String(now) } },
            },
          },
        ],
      }),
    );
    counters.set(roomKey, seq);
  };
  return async (message: Record<string, string>, frame: string, transactional: boolean) => {
    const data = encoder.encode(frame);
    const started = performance.now();
    await (transactional ? transactMessage(message) : putMessage(message));
    const stored = performance.now();
    const posted = await postToProbe({ connectionId: probeConnectionId, data });
    if (posted.status !== "delivered")
      console.error(`serverless floor: post to the probe was ${JSON.stringify(posted)}`);
    return { putMs: stored - started, postMs: performance.now() - stored };
  };
}

const durable = options.durable && durableSteps(options.durable);
const rooms = new Map<string, Set<WebSocket>>();
let sequence = 0;
const server = new WebSocketServer({
  host: "127.0.0.1",
  port: 0,
  perMessageDeflate: false,
  maxPayload: 32 * 1024,
});

server.on("connection", (socket, request) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const transactional = url.pathname === "/transactional";
  const durablePath = url.pathname === "/durable" || transactional;
  if (durablePath && !durable) return socket.close(1008, "no durable floor configured");
  const roomId = `${url.pathname}:${url.searchParams.get("roomId") ?? ""}`;
  const author = url.searchParams.get("name") ?? "";
  const members = rooms.get(roomId) ?? new Set();
  rooms.set(roomId, members.add(socket));
  socket.on("close", () => members.delete(socket));
  socket.on("message", async (data) => {
    const frame = JSON.parse(data.toString()) as { action?: string; text?: string; clientMessageId?: string };
    if (frame.action !== "sendMessage") return;
    // Same shape and about the same size as the real frame (a 26-character id, ISO time).
    const message = {
      messageId: String(++sequence).padStart(26, "0"),
      roomId,
      clientMessageId: frame.clientMessageId ?? "",
      author,
      text: frame.text ?? "",
      sentAt: new Date().toISOString(),
    };
    const out = JSON.stringify({ type: "message", message });
    if (durablePath && durable) {
      try {
        const timings = await durable(message, out, transactional);
        send({ type: "durableTimings", clientMessageId: message.clientMessageId, transactional, ...timings });
      } catch (error) {
        console.error(`serverless floor: ${(error as Error)?.stack ?? String(error)}`);
        return;
      }
    }
    for (const member of members) member.send(out);
  });
});

server.on("listening", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  send({ type: "ready", url: `ws://127.0.0.1:${port}` });
});
process.on("message", (message: { type?: string }) => {
  if (message?.type !== "stop") return;
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
