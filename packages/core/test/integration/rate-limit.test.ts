import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { NotFoundError, RateLimitedError } from "../../src/errors";
import { limitsWith } from "../../src/limits";
import { RateLimit } from "../../src/rate-limit";
import { tableItems } from "../support/table-items";
import { createTestDb } from "../support/test-db";

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const limits = limitsWith({ roomsPerMinute: 3 });
/** A fixed instant, so "at once" and "later" never depend on the test's own speed. */
const start = Date.now();
const at = (ms: number) => new Date(start + ms);
const refusalOf = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );

describe("RateLimit.take (per-user and per-IP buckets)", () => {
  it("allows the burst, refuses the next call with retryAfterMs and writes nothing, refills with time", async () => {
    const take = (now: Date, key = "user-a") => RateLimit.take(db, { name: "createRoom", key, limits, now });
    for (let i = 0; i < 3; i++) await take(at(0));
    const before = await tableItems(client, table);
    const refused = await refusalOf(take(at(1_000)));
    expect(refused).toBeInstanceOf(RateLimitedError);
    // 3 per minute: one call back every 20 s; 1 s in, 19 s to wait.
    expect(refused).toMatchObject({ code: "rate_limited", status: 429, retryAfterMs: 19_000 });
    expect(await tableItems(client, table)).toEqual(before);
    // Another user, another bucket.
    await take(at(1_000), "user-b");
    await take(at(20_000));
    await expect(take(at(20_000))).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("keeps one small item per bucket with a TTL shortly after it is full again", async () => {
    const now = at(0);
    await RateLimit.take(db, { name: "createSession", key: "192.0.2.7", limits, now });
    const items = (await tableItems(client, table)).filter((item) => item.pk?.S?.includes("192.0.2.7"));
    expect(items).toHaveLength(1);
    const expiresAt = Number(items[0]?.expiresAt?.N);
    const interval = 60_000 / limits.sessionsPerMinute;
    expect(expiresAt).toBe(Math.ceil((now.getTime() + interval) / 1000) + 60);
  });

  it("counts concurrent calls exactly: of 10 at once against a burst of 3, 3 pass", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        RateLimit.take(db, { name: "createRoom", key: "user-racing", limits, now: at(0) }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(RateLimitedError);
  });
});

describe("Connection.takeFrameToken (the frame limit, counted beside the read of the connection record)", () => {
  const frameLimits = limitsWith({ framesPerSecond: 10, frameBurst: 5 });
  const claims = { userId: "user-f", name: "Fay", roomId: "room-f" };
  const take = (connectionId: string, ms: number) =>
    Connection.takeFrameToken(db, { connectionId, limits: frameLimits, now: at(ms) });

  it("returns the record while tokens last, then refuses with retryAfterMs and writes nothing", async () => {
    const record = Connection.newRecord({ connectionId: "conn-f", claims, now: at(0) });
    await Connection.save(db, record);
    for (let i = 0; i < 5; i++) expect(await take("conn-f", 0)).toEqual(record);
    const before = await tableItems(client, table);
    const refused = await refusalOf(take("conn-f", 30));
    expect(refused).toBeInstanceOf(RateLimitedError);
    // 10 per second: a token back every 100 ms; 30 ms in, 70 ms to wait.
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterMs: 70 });
    expect(await tableItems(client, table)).toEqual(before);
    expect(await take("conn-f", 100)).toEqual(record);
  });

  it("keeps the bucket off the connection record (which gsi1 projects): its own item, with a TTL", async () => {
    const record = Connection.newRecord({ connectionId: "conn-own", claims, now: at(0) });
    await Connection.save(db, record);
    await take("conn-own", 0);
    const items = (await tableItems(client, table)).filter((item) =>
      JSON.stringify(item).includes("conn-own"),
    );
    expect(items.map((item) => item.__edb_e__?.S).sort()).toEqual(["connection", "rateBucket"]);
    expect(await Connection.get(db, { connectionId: "conn-own", now: at(0) })).toEqual(record);
    expect(Number(items.find((item) => item.__edb_e__?.S === "rateBucket")?.expiresAt?.N)).toBeGreaterThan(
      start / 1000,
    );
  });

  it("is NotFound for a gone connection, and does not recreate its record", async () => {
    await expect(take("conn-gone", 0)).rejects.toBeInstanceOf(NotFoundError);
    expect(await Connection.get(db, { connectionId: "conn-gone", now: at(0) })).toBeNull();
  });

  it("is NotFound for an expired record (TTL deletion lags)", async () => {
    await Connection.save(
      db,
      Connection.newRecord({ connectionId: "conn-old", claims, now: at(-3 * 3_600_000) }),
    );
    await expect(take("conn-old", 0)).rejects.toBeInstanceOf(NotFoundError);
  });
});
