import { Room } from "@rooms/core/room";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atDomain, wsConnectEvent, wsMessageEvent } from "../support/events";
import { loadHandler, startHandlerEnv } from "../support/handler-env";

// Realtime is not linked here: the handlers must find @connections from the event's domainName and stage.
let env: Awaited<ReturnType<typeof startHandlerEnv>>;
beforeAll(async () => {
  env = await startHandlerEnv({ linkRealtime: false });
});
afterAll(() => env.close());

describe("without Resource.Realtime", () => {
  it("posts to https?://<domainName>/<stage>/@connections, derived from the event", async () => {
    const { user } = await env.signIn("F");
    const { roomId } = await Room.create(env.db, { input: { name: "fallback" }, caller: user });
    const connect = await loadHandler("ws/connect");
    const ping = await loadHandler("ws/ping");
    const at = <E extends { requestContext: { domainName: string; stage: string } }>(event: E) =>
      atDomain(event, `127.0.0.1:${env.connections.port}`, env.connections.stage);
    expect(await connect(at(wsConnectEvent("fb-Zg=", { ...user, roomId })))).toEqual({ statusCode: 200 });
    expect(await ping(at(wsMessageEvent("fb-Zg=", { action: "ping" })))).toEqual({ statusCode: 200 });
    expect(env.connections.framesFor("fb-Zg=")).toEqual([{ type: "pong", lastSeq: 0 }]);
    expect(env.connections.unexpected).toEqual([]);
  });
});
