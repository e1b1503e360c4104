import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, isLoopbackAddress, listeningSockets, startDynamoDbLocal } from "../src";

let dynamo: DynamoDbLocal;
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
});
afterAll(() => dynamo?.stop());

const signed = {
  "content-type": "application/x-amz-json-1.0",
  authorization:
    "AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
};

/** node:http, so that Host and Origin go out exactly as given (as a browser or a rebinding page would send them). */
function send(options: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: dynamo.port,
        path: "/",
        method: options.method ?? "POST",
        headers: options.headers ?? {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const call = (target: string, body: unknown, extra: Record<string, string> = {}) =>
  send({
    headers: { ...signed, "x-amz-target": `DynamoDB_20120810.${target}`, ...extra },
    body: JSON.stringify(body),
  });

const tableNames = async () => JSON.parse((await call("ListTables", {})).body).TableNames as string[];

describe("DynamoDB Local is reachable from this machine only", () => {
  it("every listening socket on its port is on loopback, and it is the java process's", () => {
    const sockets = listeningSockets(dynamo.port);
    expect(sockets.length).toBeGreaterThan(0);
    for (const socket of sockets) {
      expect(isLoopbackAddress(socket.address), `${socket.address}:${socket.port}`).toBe(true);
      expect(socket.pid).toBe(dynamo.pid);
    }
  });

  it("refuses connections to this machine's other addresses", async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && !address.address.startsWith("fe80:"))
      .map((address) => address!.address);
    for (const host of external) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host, port: dynamo.port, timeout: 2_000 });
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.once("timeout", () => {
          socket.destroy();
          resolve("timeout");
        });
        socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      });
      expect(outcome, `${host}:${dynamo.port}`).not.toBe("connected");
    }
  });

  it("serves SDK-style requests on 127.0.0.1 and localhost", async () => {
    expect((await call("ListTables", {})).status).toBe(200);
    expect((await call("ListTables", {}, { host: `localhost:${dynamo.port}` })).status).toBe(200);
  });
});

describe("DynamoDB Local refuses web pages of any origin", () => {
  const evil = "http://evil.example";

  it("refuses a CORS preflight from another origin (403, no Access-Control-Allow-* headers)", async () => {
    const response = await send({
      method: "OPTIONS",
      headers: {
        origin: evil,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-amz-target,authorization",
      },
    });
    expect(response.status).toBe(403);
    for (const name of Object.keys(response.headers))
      expect(name.toLowerCase()).not.toMatch(/^access-control-allow-/);
  });

  it("refuses a request with Origin: http://evil.example without acting on it (the table survives a DeleteTable)", async () => {
    const table = `survivor-${Date.now()}`;
    const created = await call("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    expect(created.status).toBe(200);

    for (const origin of [evil, "null", `http://127.0.0.1:${dynamo.port}`]) {
      const listed = await call("ListTables", {}, { origin });
      expect(listed.status).toBe(403);
      expect(listed.headers["access-control-allow-origin"]).toBeUndefined();
      expect(listed.body).not.toContain(table);
      const deleted = await call("DeleteTable", { TableName: table }, { origin });
      expect(deleted.status).toBe(403);
      expect(deleted.headers["access-control-allow-origin"]).toBeUndefined();
    }
    expect(await tableNames()).toContain(table);
  });

  it("refuses a request addressed to another host name (DNS rebinding) without acting on it", async () => {
    const table = `rebind-${Date.now()}`;
    await call("CreateTable", {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    const response = await call("DeleteTable", { TableName: table }, { host: `evil.example:${dynamo.port}` });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).__type).toMatch(/AccessDeniedException/);
    expect(await tableNames()).toContain(table);
  });
});
