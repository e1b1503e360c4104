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
 * Run as a child (startBareFanoutServer); clients connect with ?roomId=&name= (the floor checks no identity: the
 * real gateway's tickets are taken before the measured part, so they are not part of the comparison).
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
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
  | { type: "durableTimings"; clientMessageId: string; putMs: number; postMs: number };

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
  return async (message: Record<string, string>, frame: string) => {
    const data = encoder.encode(frame);
    const started = performance.now();
    await dynamo.send(
      new PutItemCommand({
        TableName: tableName,
        // Outside every key the app uses; as large as a stored message item.
        Item: {
          pk: { S: `$bench#serverlessFloor_${message.roomId}` },
          sk: { S: `$message_1#messageId_${message.messageId}` },
          ...Object.fromEntries(Object.entries(message).map(([name, value]) => [name, { S: value }])),
        },
      }),
    );
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
  const durablePath = url.pathname === "/durable";
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
        const timings = await durable(message, out);
        send({ type: "durableTimings", clientMessageId: message.clientMessageId, ...timings });
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
