import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../../../test/support/wait";
import { connectClient } from "../../../../test/support/ws-client";
import { type InlineGateway, managementClient, startInlineGateway } from "../support/inline-gateway";

let gateway: InlineGateway;
beforeAll(async () => {
  gateway = await startInlineGateway();
});
afterAll(() => gateway?.stop());

async function connectWithId() {
  const client = await connectClient(gateway.wsUrl);
  const connectionId: string = gateway.recorded.$connect?.at(-1).requestContext.connectionId;
  return { client, connectionId };
}

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail");
};

describe("@connections API with the real SDK client", () => {
  it("PostToConnection sends the raw data as a text frame", async () => {
    const { client, connectionId } = await connectWithId();
    const result = await gateway.management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"hello":"there"}' }),
    );
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(await client.next()).toEqual({ hello: "there" });
    await client.close();
  });

  it("GetConnection returns connectedAt, identity and lastActiveAt", async () => {
    const { client, connectionId } = await connectWithId();
    const result = await gateway.management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(result.ConnectedAt).toBeInstanceOf(Date);
    expect(result.LastActiveAt).toBeInstanceOf(Date);
    expect(result.Identity).toEqual({ SourceIp: "127.0.0.1", UserAgent: "" });
    await client.close();
  });

  it("DeleteConnection closes the socket and runs $disconnect", async () => {
    const { client, connectionId } = await connectWithId();
    const result = await gateway.management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(result.$metadata.httpStatusCode).toBe(204);
    await client.closed;
    await eventually(() =>
      gateway.recorded.$disconnect?.some((e) => e.requestContext.connectionId === connectionId),
    );
  });

  it("answers closed and unknown connections with GoneException (410)", async () => {
    const { client, connectionId } = await connectWithId();
    await client.close();
    for (const id of [connectionId, "AAAAAAAAAAAAAAA="]) {
      for (const command of [
        new PostToConnectionCommand({ ConnectionId: id, Data: "x" }),
        new GetConnectionCommand({ ConnectionId: id }),
        new DeleteConnectionCommand({ ConnectionId: id }),
      ]) {
        const error = await errorOf(gateway.management.send(command as PostToConnectionCommand));
        expect(error.name).toBe("GoneException");
        expect(error.$metadata.httpStatusCode).toBe(410);
      }
    }
  });

  it("a connection is gone while its own $connect runs, as on AWS", async () => {
    const client = await connectClient(gateway.wsUrl, { selfPost: "1" });
    expect(gateway.recorded.selfPost).toEqual(["GoneException"]);
    await client.close();
  });

  it("raw 410 response carries x-amzn-errortype and {message: null}", async () => {
    const response = await fetch(
      `${gateway.connectionsUrl}/@connections/${encodeURIComponent("AAAAAAAAAAAAAAA=")}`,
      {
        method: "POST",
        headers: { authorization: "AWS4-HMAC-SHA256 Credential=local/x" },
        body: "x",
      },
    );
    expect(response.status).toBe(410);
    expect(response.headers.get("x-amzn-errortype")).toBe("GoneException");
    expect(await response.json()).toEqual({ message: null });
  });

  it("refuses a payload over 128 KB with PayloadTooLargeException (413) and accepts exactly 128 KB", async () => {
    const { client, connectionId } = await connectWithId();
    const ok = await gateway.management.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: "y".repeat(128 * 1024) }),
    );
    expect(ok.$metadata.httpStatusCode).toBe(200);
    const error = await errorOf(
      gateway.management.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: "y".repeat(128 * 1024 + 1) }),
      ),
    );
    expect(error.name).toBe("PayloadTooLargeException");
    expect(error.$metadata.httpStatusCode).toBe(413);
    await client.close();
  });

  it("refuses unsigned requests like AWS (403)", async () => {
    const response = await fetch(`${gateway.connectionsUrl}/@connections/abc`, { method: "POST", body: "x" });
    expect(response.status).toBe(403);
  });

  it("a client with a wrong stage gets ForbiddenException", async () => {
    const wrongStage = managementClient(gateway.connectionsUrl.replace(/\/local$/, "/prod"));
    const error = await errorOf(
      wrongStage.send(new PostToConnectionCommand({ ConnectionId: "x", Data: "x" })),
    );
    expect(error.name).toBe("ForbiddenException");
    wrongStage.destroy();
  });
});
