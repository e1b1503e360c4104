import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { acceptInvite, connectUrl, createInvite, ticketFor } from "../../../../test/support/room-session";
import { connectClient } from "../../../../test/support/ws-client";
import type { GatewayLogger } from "../../src/gateway-logger";
import type { LocalStack } from "../../src/local-stack";
import { signIn, startE2eStack } from "../support/e2e-stack";

/**
 * `pnpm dev` logs a line per request, handshake and frame. Connect tickets (in the WebSocket URL's query), invite
 * codes (in `POST /invites/{code}`) and bearer tokens all admit whoever holds them, so none may appear in those
 * lines, whether the request succeeds or is refused; the lines still say what happened.
 */
const lines: string[] = [];
const logger: GatewayLogger = {
  info: (line) => lines.push(line),
  error: (line, error) => lines.push(`${line} ${inspect(error, { depth: 4 })}`),
};
let stack: LocalStack;

beforeAll(async () => {
  stack = await startE2eStack({ log: logger });
});
afterAll(() => stack?.stop());

/** A handshake the gateway refuses: the HTTP status of its answer. */
async function refusedHandshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port, pathname, search } = new URL(url);
  const request = [
    `GET ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    "Connection: Upgrade",
    "Upgrade: websocket",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${request.join("\r\n")}\r\n\r\n`));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on("error", reject);
  });
}

describe("the local gateway's log", () => {
  it("never holds a connect ticket, an invite code or a bearer token, and still says what was refused", async () => {
    const owner = await signIn(stack, "Owner");
    const bob = await signIn(stack, "Bob");
    const api = httpClient(stack.httpUrl, owner);
    const open = await api.createRoom("Open");
    const secret = await api.createRoom("Secret", "private");
    const secrets: string[] = [owner.token, bob.token];

    // Not a WebSocket handshake (refused before the authorizer): the ticket stays valid, so it must not leak.
    const unused = await ticketFor(stack.httpUrl, owner, open.roomId);
    secrets.push(unused);
    expect(await refusedHandshake(connectUrl(stack.wsUrl, unused), { Upgrade: "h2c" })).toBe(400);

    // Refused by the authorizer: an unknown ticket, and a ticket with another room's id.
    const unknown = randomBytes(32).toString("base64url");
    secrets.push(unknown);
    expect(await refusedHandshake(connectUrl(stack.wsUrl, unknown))).toBe(401);
    const mismatched = await ticketFor(stack.httpUrl, owner, open.roomId);
    secrets.push(mismatched);
    expect(await refusedHandshake(`${connectUrl(stack.wsUrl, mismatched)}&roomId=${secret.roomId}`)).toBe(
      401,
    );

    // An invite accepted over HTTP, then refused by $connect: Bob takes a ticket and is removed before using it.
    const code = await createInvite(stack.httpUrl, owner, secret.roomId);
    secrets.push(code);
    await acceptInvite(stack.httpUrl, bob, code);
    const stale = await ticketFor(stack.httpUrl, bob, secret.roomId);
    secrets.push(stale);
    expect(
      (await api.delete(`/rooms/${secret.roomId}/members/${encodeURIComponent(bob.user.userId)}`)).status,
    ).toBe(204);
    expect(await refusedHandshake(connectUrl(stack.wsUrl, stale))).toBe(403);

    // And one socket that opens, for the lines of a connection's life.
    const ticket = await ticketFor(stack.httpUrl, owner, open.roomId);
    secrets.push(ticket);
    const client = await connectClient(connectUrl(stack.wsUrl, ticket));
    client.send({ action: "ping" });
    await client.next((f: any) => f.type === "pong");
    await client.close();

    const log = lines.join("\n");
    for (const value of secrets) expect(log).not.toContain(value);
    // The lines are there, with the path and the names of what was passed.
    expect(lines).toContainEqual(expect.stringMatching(/^WS \/\?ticket=… refused 400/));
    expect(lines).toContainEqual(expect.stringMatching(/^WS \/\?ticket=… refused 401 by the authorizer/));
    expect(lines).toContainEqual(expect.stringMatching(/^WS \/\?ticket=…&roomId=… refused 401/));
    expect(lines).toContainEqual(expect.stringMatching(/^WS \/\?ticket=… refused 403$/));
    expect(lines).toContainEqual(expect.stringMatching(/^HTTP POST \/invites\/… 200 /));
  });
});
