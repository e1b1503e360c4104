/**
 * The latency floor: the same fan-out as a room broadcast, written straight to the sockets by one bare `ws`
 * server process. No Lambda handlers, no DynamoDB, no @connections hop: a `sendMessage` frame becomes the same
 * `{"type":"message","message":{...}}` frame and is sent to every socket of the room, sender included.
 * Run as a child (startBareFanoutServer); clients connect with ?roomId=&name= (the floor checks no identity: the
 * real gateway's tickets are taken before the measured part, so they are not part of the comparison).
 */
import { type WebSocket, WebSocketServer } from "ws";

const rooms = new Map<string, Set<WebSocket>>();
let sequence = 0;
const server = new WebSocketServer({
  host: "127.0.0.1",
  port: 0,
  perMessageDeflate: false,
  maxPayload: 32 * 1024,
});

server.on("connection", (socket, request) => {
  const query = new URL(request.url ?? "/", "http://127.0.0.1").searchParams;
  const roomId = query.get("roomId") ?? "";
  const author = query.get("name") ?? "";
  const members = rooms.get(roomId) ?? new Set();
  rooms.set(roomId, members.add(socket));
  socket.on("close", () => members.delete(socket));
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString()) as { action?: string; text?: string; clientMessageId?: string };
    if (frame.action !== "sendMessage") return;
    // Same shape and about the same size as the real frame (a 26-character id, ISO time).
    const message = {
      messageId: String(++sequence).padStart(26, "0"),
      roomId,
      clientMessageId: frame.clientMessageId,
      author,
      text: frame.text,
      sentAt: new Date().toISOString(),
    };
    const out = JSON.stringify({ type: "message", message });
    for (const member of members) member.send(out);
  });
});

server.on("listening", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "ready", url: `ws://127.0.0.1:${port}` });
});
process.on("message", (message: { type?: string }) => {
  if (message?.type !== "stop") return;
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
