import { randomBytes } from "node:crypto";
import { createIdentity } from "@rooms/core/identity";
import { MAX_MENTIONS } from "@rooms/core/limits";
import { clientActions } from "@rooms/core/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { HttpReply } from "../support/http-client";
import { connectLive, type LiveClient } from "../support/live-client";
import { once } from "../support/once";
import { createSession, type Session } from "../support/room-session";
import { tableSnapshot } from "../support/table-snapshot";
import { eventually, sleep } from "../support/wait";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * Bad input: a seeded fast-check corpus of malformed WebSocket frames and HTTP requests against every route.
 * Each must get a contract error (HTTP 4xx `{"error":{"code","message"}}`, WS `{"type":"error","code",...}` to the
 * sender alone) with the code the contract gives that input, the table must not change, and the stack must still
 * serve valid requests afterwards. HTTP requests carry a valid bearer token (so they reach the input checks),
 * except a share of them sent with no, malformed, forged or expired tokens, which must be 401 whatever else they
 * hold; WebSocket handshakes with bad tickets must be 401.
 */
const SEED = 20_261_122;
const WS_CASES = 400;
const HTTP_CASES = 250;
const HANDSHAKE_CASES = 60;
/** The stage's signing secret, known to this test so it can make tokens the stack must refuse (expired, say). */
const AUTH_SECRET = randomBytes(32).toString("base64url");
/** Frames stay under API Gateway's 32 KB (a bigger one closes the socket with 1009: tested in packages/local). */
const MAX_FRAME_BYTES = 32_000;
const CONTRACT_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
} as const;
type ContractCode = keyof typeof CONTRACT_STATUS;

const ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let env: ReliabilityStack;
let roomId: string;
let prober: LiveClient;
let watcher: LiveClient;
let knownTodoIds: string[];
let tableBefore: string[];
/** Authorization header values the stack must answer 401, by kind (undefined: no header at all). */
let badAuthorization: Record<BadAuth, string | undefined>;

/** Every item of this test's own table, without the rate limiter's state (see tableSnapshot). */
const tableContent = () => tableSnapshot(env.dynamo, env.stack.tableName);

beforeAll(async () => {
  env = await startReliabilityStack({ authSecret: AUTH_SECRET });
  roomId = (await env.http.createRoom("bad input")).roomId;
  prober = await connectLive(env.stack, { roomId, who: "prober" });
  watcher = await connectLive(env.stack, { roomId, who: "watcher" });
  // Presence comes from the table's stream, a moment later: the prober's one announcement of the watcher must be in
  // before the corpus counts the prober's frames one answer each.
  await prober.waitFor((f) => f.type === "memberJoined", { timeoutMs: 30_000 });
  badAuthorization = await makeBadAuthorization(env.owner);
  // Some real content, so an invalid frame that slipped through would have something to change.
  for (const [i, text] of ["first", "second", "third"].entries()) {
    const from = prober.frames.length;
    prober.send({ action: "sendMessage", text, clientMessageId: `seed-${i}` });
    await prober.waitFor((f) => f.type === "message", { from });
  }
  for (const title of ["one", "two"]) {
    const from = prober.frames.length;
    prober.send({ action: "addTodo", title });
    await prober.waitFor((f) => f.type === "todo", { from });
  }
  knownTodoIds = prober.ofType("todo").map((frame) => frame.todo.todoId);
  await sleep(200);
  tableBefore = await tableContent();
});

afterAll(async () => {
  await Promise.all([prober, watcher].map((client) => client?.close().catch(() => {})));
  await env?.stop();
});

// ---- building blocks -------------------------------------------------------------------------------------

const validId = fc.string({ unit: fc.constantFrom(...ID_ALPHABET.split("")), minLength: 26, maxLength: 26 });
const badId = fc
  .oneof(
    validId.map((id) => id.toLowerCase()),
    validId.map((id) => id.slice(1)),
    validId.map((id) => `${id}0`),
    fc
      .tuple(fc.constantFrom("I", "L", "O", "U", "-", " ", "a"), validId)
      .map(([letter, id]) => `${letter}${id.slice(1)}`),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  )
  .filter((id) => !ID.test(id));
/** A bad id that survives as one path segment (no "/", not "." or ".."), so the route still matches. */
const badPathId = badId.filter((id) => id.length > 0 && !id.includes("/") && id !== "." && id !== "..");

const notJson = fc
  .oneof(
    fc.string({ unit: "grapheme", maxLength: 300 }),
    fc
      .tuple(fc.constantFrom("{", "[", '"', "a", "é", '{"action":'), fc.integer({ min: 100, max: 8_000 }))
      .map(([c, n]) => c.repeat(n)),
  )
  .filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });
const deeplyNested = fc
  .tuple(fc.boolean(), fc.integer({ min: 500, max: 2_500 }))
  .map(([array, n]) =>
    array ? `${"[".repeat(n)}${"]".repeat(n)}` : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`,
  );

const anyJson = fc.jsonValue({ maxDepth: 2 });
const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyJson, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }),
);
const notBoolean = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.constant(null),
  fc.array(anyJson, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }),
);
/** Not an integer >= 1: strings (even "1"), floats, zero and negatives, other types. */
const notVersion = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer({ max: 0 }),
  fc.double({ min: 1.0001, max: 1e6, noNaN: true, noInteger: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
/** Longer than `max` code points (zod 4 counts code points, not UTF-16 units), short enough to stay one frame. */
const tooLong = (max: number) =>
  fc
    .tuple(
      fc.constantFrom("x", "é", "🙂", "a b", "\u0000"),
      fc.integer({ min: max + 1, max: Math.max(max + 1, Math.min(max * 4, 7_000)) }),
    )
    .map(([unit, length]) => unit.repeat(Math.ceil(length / [...unit].length)));

/**
 * Text every free-text field refuses whatever surrounds it (contract: input hygiene): a C0 or C1 control character
 * (message text may keep line feed and tab), a bidi embedding, override, isolate or directional mark, only
 * zero-width characters, or an unpaired surrogate. Short enough to pass every length check.
 */
const hostileText = (multiline: boolean) => {
  const codes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const controls = [...codes(0x00, 0x1f), ...codes(0x7f, 0x9f)].filter(
    (code) => !(multiline && (code === 0x0a || code === 0x09)),
  );
  const direction = [...codes(0x202a, 0x202e), ...codes(0x2066, 0x2069), 0x200e, 0x200f, 0x061c];
  const around = fc.string({ maxLength: 20 });
  return fc.oneof(
    fc
      .tuple(around, fc.constantFrom(...controls, ...direction), around)
      .map(([before, code, after]) => `${before}${String.fromCharCode(code)}${after}`),
    fc
      .array(fc.constantFrom("​", "‌", "‍", "⁠", "﻿", " "), { minLength: 1, maxLength: 12 })
      .map((units) => units.join("")),
    fc
      .tuple(around, fc.integer({ min: 0xd800, max: 0xdfff }), around)
      .map(([before, code, after]) => `${before}${String.fromCharCode(code)}${after}`),
  );
};

/** Not an integer >= `min` (0 for afterSeq, 1 for a seq): strings (even "1"), floats, negatives, other types. */
const notSeq = (min: 0 | 1) =>
  fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.integer({ max: min - 1 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noInteger: true }),
    fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e300),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  );
/** A well-formed user id (what a mention must look like), never a member of the test room. */
const strangerId = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_.:@|+".split("")),
  minLength: 1,
  maxLength: 40,
});
/** `mentions` that are not up to 20 user ids of members: not a list, too many, not user ids, or not members. */
const badMentions = fc.oneof(
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 2 }),
  ),
  fc.array(strangerId, { minLength: MAX_MENTIONS + 1, maxLength: MAX_MENTIONS + 10 }),
  fc.array(
    fc.oneof(fc.integer(), fc.constant(null), fc.constantFrom("", "a b", "x".repeat(129), "é", "a/b")),
    { minLength: 1, maxLength: 3 },
  ),
  fc.array(strangerId, { minLength: 1, maxLength: MAX_MENTIONS }),
  // A member next to a stranger: the whole send is refused, the member's mention included.
  strangerId.map((stranger) => [watcher.session.user.userId, stranger]),
);

interface FieldSpec {
  type: "text" | "id" | "version" | "boolean" | "afterSeq" | "seq" | "mentions";
  required: boolean;
  max?: number;
  /** Values that fail only because they are empty or blank. */
  blank?: string[];
  /** Free text people type (not an id): hostile Unicode is refused too; "multiline" keeps line feed and tab. */
  freeText?: "line" | "multiline";
}

const MISSING = Symbol("missing");
function invalidValues(field: FieldSpec): fc.Arbitrary<unknown>[] {
  const values: fc.Arbitrary<unknown>[] = [];
  if (field.required) values.push(fc.constant(MISSING));
  if (field.type === "text") values.push(notString, tooLong(field.max!), fc.constantFrom(...field.blank!));
  if (field.freeText) values.push(hostileText(field.freeText === "multiline"));
  if (field.type === "id") values.push(notString, badId);
  if (field.type === "version") values.push(notVersion);
  if (field.type === "boolean") values.push(notBoolean);
  if (field.type === "afterSeq") values.push(notSeq(0));
  if (field.type === "seq") values.push(notSeq(1));
  if (field.type === "mentions") values.push(badMentions);
  return values;
}

const frameSpecs: Record<string, { base: () => Record<string, unknown>; fields: Record<string, FieldSpec> }> =
  {
    sendMessage: {
      base: () => ({ text: "hello", clientMessageId: "never-stored" }),
      fields: {
        text: { type: "text", required: true, max: 4000, blank: ["", " ", "\n\t  "], freeText: "multiline" },
        clientMessageId: { type: "text", required: true, max: 64, blank: [""] },
        mentions: { type: "mentions", required: false },
      },
    },
    addTodo: {
      base: () => ({ title: "never stored" }),
      fields: {
        title: { type: "text", required: true, max: 200, blank: ["", "   ", "\t"], freeText: "line" },
        clientTodoId: { type: "text", required: false, max: 64, blank: [""] },
      },
    },
    updateTodo: {
      base: () => ({ todoId: knownTodoIds[0], version: 1, done: true }),
      fields: {
        todoId: { type: "id", required: true },
        version: { type: "version", required: true },
        title: { type: "text", required: false, max: 200, blank: ["", "  "], freeText: "line" },
        done: { type: "boolean", required: false },
      },
    },
    moveTodo: {
      base: () => ({ todoId: knownTodoIds[0], version: 1, after: null }),
      fields: {
        todoId: { type: "id", required: true },
        version: { type: "version", required: true },
      },
    },
    deleteTodo: {
      base: () => ({ todoId: knownTodoIds[1], version: 1 }),
      fields: { todoId: { type: "id", required: true }, version: { type: "version", required: true } },
    },
    sync: { base: () => ({}), fields: { afterSeq: { type: "afterSeq", required: false } } },
    markRead: { base: () => ({ seq: 1 }), fields: { seq: { type: "seq", required: true } } },
  };
/** The seeding below stores 3 messages: seqs past that are ahead of the room. */
const SEEDED_LAST_SEQ = 3;

interface WsCase {
  kind: string;
  frame: string;
  code: ContractCode;
  /** The `action` the error frame must name (the frame's own, when it had a string one). */
  action?: string;
}

const known = (action: string, fields: Record<string, unknown>) => JSON.stringify({ action, ...fields });

const invalidKnownFrames = Object.entries(frameSpecs).flatMap(([action, spec]) =>
  Object.entries(spec.fields).flatMap(([field, fieldSpec]) =>
    invalidValues(fieldSpec).map((value) =>
      value.map((v): WsCase => {
        const fields = spec.base();
        if (v === MISSING) delete fields[field];
        else fields[field] = v;
        return { kind: `${action}.${field}`, frame: known(action, fields), code: "bad_request", action };
      }),
    ),
  ),
);

const wsCases: fc.Arbitrary<WsCase> = fc
  .oneof(
    {
      weight: 2,
      arbitrary: notJson.map((frame): WsCase => ({ kind: "not JSON", frame, code: "bad_request" })),
    },
    {
      weight: 1,
      arbitrary: deeplyNested.map(
        (frame): WsCase => ({ kind: "deeply nested JSON", frame, code: "bad_request" }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.integer(),
          fc.string({ maxLength: 20 }),
          fc.constant(null),
          fc.boolean(),
          fc.array(anyJson, { maxLength: 4 }),
        )
        .map(
          (value): WsCase => ({
            kind: "JSON but not an object",
            frame: JSON.stringify(value),
            code: "bad_request",
          }),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom("$connect", "$disconnect", "$default", "SendMessage", "send_message", "ping ", ""),
          fc.string({ unit: "grapheme", maxLength: 80 }),
        )
        .filter((action) => !(clientActions as readonly string[]).includes(action))
        .chain((action) =>
          fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }).map(
            (extra): WsCase => ({
              kind: "unknown action",
              frame: JSON.stringify({ ...extra, action }),
              code: "bad_request",
              action: action.slice(0, 64) || undefined,
            }),
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          notString.filter((v) => typeof v !== "string"),
          fc.constant(MISSING),
        )
        .chain((action) =>
          fc
            .dictionary(
              fc.string({ maxLength: 8 }).filter((k) => k !== "action"),
              anyJson,
              { maxKeys: 3 },
            )
            .map(
              (extra): WsCase => ({
                kind: "action missing or not a string",
                frame: JSON.stringify(action === MISSING ? extra : { ...extra, action }),
                code: "bad_request",
              }),
            ),
        ),
    },
    { weight: 8, arbitrary: fc.oneof(...invalidKnownFrames) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("updateTodo", "moveTodo", "deleteTodo").chain((action) =>
        validId.map(
          (todoId): WsCase => ({
            kind: `${action} of an unknown todo`,
            frame: known(action, {
              todoId,
              version: 1,
              ...(action === "updateTodo" && { done: true }),
              ...(action === "moveTodo" && { after: null }),
            }),
            code: "not_found",
            action,
          }),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("sync", "markRead"),
          fc.integer({ min: SEEDED_LAST_SEQ + 1, max: Number.MAX_SAFE_INTEGER }),
        )
        .map(
          ([action, seq]): WsCase => ({
            kind: `${action} ahead of the room's last seq`,
            frame: known(action, action === "sync" ? { afterSeq: seq } : { seq }),
            code: "bad_request",
            action,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 2, max: 1_000 }).map(
        (version): WsCase => ({
          kind: "updateTodo at a stale version",
          frame: known("updateTodo", { todoId: knownTodoIds[0], version, title: "never stored" }),
          code: "conflict",
          action: "updateTodo",
        }),
      ),
    },
  )
  .filter((c) => Buffer.byteLength(c.frame) <= MAX_FRAME_BYTES);

interface HttpCase {
  kind: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: string;
  contentType?: string;
  status: number;
  /** Sent with this bad Authorization instead of the owner's valid token. */
  auth?: BadAuth;
}

const BAD_AUTH = [
  "missing",
  "empty",
  "not bearer",
  "not a JWT",
  "forged signature",
  "alg none",
  "another stage's secret",
  "wrong issuer",
  "expired",
] as const;
type BadAuth = (typeof BAD_AUTH)[number];

/** One Authorization header value per kind of bad token, made from the owner's real token and the stage secret. */
async function makeBadAuthorization(owner: Session): Promise<Record<BadAuth, string | undefined>> {
  const [header, payload, signature] = owner.token.split(".") as [string, string, string];
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
  const past = new Date(Date.now() - 31 * 24 * 3600_000);
  const sign = (secret: string, issuer: string, now?: Date) =>
    createIdentity({ secret, issuer })
      .issue(owner.user, now)
      .then((t) => `Bearer ${t.token}`);
  return {
    missing: undefined,
    empty: "",
    "not bearer": `Basic ${owner.token}`,
    "not a JWT": "Bearer not-a-jwt",
    "forged signature": `Bearer ${header}.${payload}.${flipped}`,
    "alg none": `Bearer ${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
    "another stage's secret": await sign(randomBytes(32).toString("base64url"), "rooms-local"),
    "wrong issuer": await sign(AUTH_SECRET, "rooms-elsewhere"),
    expired: await sign(AUTH_SECRET, "rooms-local", past),
  };
}

const post = (kind: string, body: string, status: number, contentType = "application/json"): HttpCase => ({
  kind,
  method: "POST",
  path: "/rooms",
  body,
  contentType,
  status,
});
const query = (params: Record<string, string>) =>
  Object.keys(params).length ? `?${new URLSearchParams(params)}` : "";
/** What `before` (a seq: z.coerce.number().int().min(1)) accepts. */
const validSeq = (value: string) => Number.isSafeInteger(Number(value)) && Number(value) >= 1;
const badSeq = fc
  .oneof(
    fc.integer({ max: 0 }).map(String),
    fc.double({ noNaN: true, noInteger: true }).map(String),
    fc.string({ maxLength: 8 }),
    badId,
    fc.constant("9007199254740993"),
  )
  .filter((value) => !validSeq(value));
/** What z.coerce.number().int().min(1).max(100) accepts. */
const validLimit = (value: string) =>
  Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 100;
const badLimit = fc
  .oneof(
    fc.integer({ max: 0 }).map(String),
    fc.integer({ min: 101 }).map(String),
    fc.double({ noNaN: true, noInteger: true }).map(String),
    fc.string({ maxLength: 8 }),
  )
  .filter((value) => !validLimit(value));

const httpCases: fc.Arbitrary<HttpCase> = fc.oneof(
  notJson
    .filter((body) => Buffer.byteLength(body) <= 16_384)
    .map((body) => post("POST /rooms, body not JSON", body, 400)),
  deeplyNested
    .filter((body) => Buffer.byteLength(body) <= 16_384)
    .map((body) => post("POST /rooms, deeply nested JSON", body, 400)),
  fc
    .oneof(
      fc.dictionary(
        fc.string({ maxLength: 8 }).filter((k) => k !== "name"),
        anyJson,
        { maxKeys: 3 },
      ),
      notString.map((name) => ({ name })),
      tooLong(80).map((name) => ({ name })),
      fc.constantFrom("", " ", "\t\n  ").map((name) => ({ name })),
      hostileText(false).map((name) => ({ name })),
      fc.oneof(
        fc.integer(),
        fc.string({ maxLength: 10 }),
        fc.constant(null),
        fc.array(anyJson, { maxLength: 3 }),
      ),
    )
    .map((body) => JSON.stringify(body))
    .filter((body) => Buffer.byteLength(body) <= 16_384)
    .map((body) => post("POST /rooms, wrong shape", body, 400)),
  fc
    .integer({ min: 16_385, max: 300_000 })
    .map((n) => post("POST /rooms, body over 16 KB", JSON.stringify({ name: "x".repeat(n) }), 413)),
  fc
    .constantFrom(
      "text/plain",
      "application/xml",
      "application/x-www-form-urlencoded",
      "text/html; charset=utf-8",
    )
    .map((type) => post("POST /rooms, not JSON content type", '{"name":"a fine name"}', 415, type)),
  badLimit.map(
    (limit): HttpCase => ({
      kind: "GET /rooms, bad limit",
      method: "GET",
      path: `/rooms${query({ limit })}`,
      status: 400,
    }),
  ),
  badId.map(
    (cursor): HttpCase => ({
      kind: "GET /rooms, bad cursor",
      method: "GET",
      path: `/rooms${query({ cursor })}`,
      status: 400,
    }),
  ),
  fc.oneof(badPathId, validId).map(
    (id): HttpCase => ({
      kind: "GET /rooms/{roomId}, bad or unknown id",
      method: "GET",
      path: `/rooms/${encodeURIComponent(id)}`,
      status: 404,
    }),
  ),
  fc
    .tuple(
      fc.oneof(
        fc.constant({ id: "known", bad: false }),
        validId.map((id) => ({ id, bad: false })),
        badPathId.map((id) => ({ id, bad: true })),
      ),
      fc.option(badLimit, { nil: undefined }),
      fc.option(badSeq, { nil: undefined }),
    )
    .filter(([room, limit, before]) => room.id !== "known" || limit !== undefined || before !== undefined)
    .map(([room, limit, before]): HttpCase => {
      const id = room.id === "known" ? roomId : room.id;
      const params = { ...(limit !== undefined && { limit }), ...(before !== undefined && { before }) };
      // An impossible room id names nothing (404) whatever else is wrong; otherwise bad parameters are a 400;
      // a well-formed but unknown room with good parameters is a 404.
      const status = room.bad ? 404 : limit !== undefined || before !== undefined ? 400 : 404;
      return {
        kind: "GET /rooms/{roomId}/messages, bad parameters or room",
        method: "GET",
        path: `/rooms/${encodeURIComponent(id)}/messages${query(params)}`,
        status,
      };
    }),
  fc.oneof(badPathId, validId).map(
    (id): HttpCase => ({
      kind: "POST /rooms/{roomId}/tickets, bad or unknown room",
      method: "POST",
      path: `/rooms/${encodeURIComponent(id)}/tickets`,
      status: 404,
    }),
  ),
  fc.oneof(
    fc.oneof(badPathId, validId).map(
      (id): HttpCase => ({
        kind: "GET /rooms/{roomId}/members, bad or unknown room",
        method: "GET",
        path: `/rooms/${encodeURIComponent(id)}/members`,
        status: 404,
      }),
    ),
    badLimit.map(
      (limit): HttpCase => ({
        kind: "GET /rooms/{roomId}/members, bad limit",
        method: "GET",
        path: `/rooms/${roomId}/members${query({ limit })}`,
        status: 400,
      }),
    ),
  ),
  fc.oneof(
    badLimit.map(
      (limit): HttpCase => ({
        kind: "GET /me/rooms, bad limit",
        method: "GET",
        path: `/me/rooms${query({ limit })}`,
        status: 400,
      }),
    ),
    badId.map(
      (cursor): HttpCase => ({
        kind: "GET /me/rooms, bad cursor",
        method: "GET",
        path: `/me/rooms${query({ cursor })}`,
        status: 400,
      }),
    ),
  ),
  fc.oneof(
    fc.oneof(badPathId, validId).map(
      (id): HttpCase => ({
        kind: "POST /rooms/{roomId}/invites, bad or unknown room",
        method: "POST",
        path: `/rooms/${encodeURIComponent(id)}/invites`,
        body: "{}",
        contentType: "application/json",
        status: 404,
      }),
    ),
    fc
      .oneof(
        fc.integer({ max: 0 }),
        fc.integer({ min: 721 }),
        fc.double({ noNaN: true, noInteger: true }),
        fc.constantFrom("24", null, true, [24], {}),
      )
      .map(
        (expiresInHours): HttpCase => ({
          kind: "POST /rooms/{roomId}/invites, bad expiresInHours",
          method: "POST",
          path: `/rooms/${roomId}/invites`,
          body: JSON.stringify({ expiresInHours }),
          contentType: "application/json",
          status: 400,
        }),
      ),
  ),
  fc.oneof(badPathId, validId).map(
    (id): HttpCase => ({
      kind: "DELETE /rooms/{roomId}/invites, bad or unknown room",
      method: "DELETE",
      path: `/rooms/${encodeURIComponent(id)}/invites`,
      status: 404,
    }),
  ),
  fc
    .oneof(
      badPathId,
      fc.string({
        unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        minLength: 22,
        maxLength: 40,
      }),
    )
    .map(
      (code): HttpCase => ({
        kind: "POST /invites/{code}, bad or unknown code",
        method: "POST",
        path: `/invites/${encodeURIComponent(code)}`,
        status: 404,
      }),
    ),
  fc
    .oneof(
      badPathId.filter((id) => id !== "me"),
      validId,
    )
    .map(
      (userId): HttpCase => ({
        kind: "DELETE /rooms/{roomId}/members/{userId}, bad or unknown member",
        method: "DELETE",
        path: `/rooms/${roomId}/members/${encodeURIComponent(userId)}`,
        status: 404,
      }),
    ),
  // No valid token: 401 whatever the request is, valid or not, and nothing happens.
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...BAD_AUTH),
        fc.constantFrom<() => Omit<HttpCase, "kind" | "status">>(
          () => ({
            method: "POST",
            path: "/rooms",
            body: '{"name":"never created"}',
            contentType: "application/json",
          }),
          () => ({ method: "POST", path: "/rooms", body: "{not json", contentType: "application/json" }),
          () => ({ method: "POST", path: "/rooms", body: '{"name":"x"}', contentType: "text/plain" }),
          () => ({ method: "GET", path: "/rooms" }),
          () => ({ method: "GET", path: "/rooms?limit=0" }),
          () => ({ method: "GET", path: "/me/rooms" }),
          () => ({ method: "GET", path: `/rooms/${roomId}` }),
          () => ({ method: "GET", path: `/rooms/${roomId}/messages` }),
          () => ({ method: "GET", path: `/rooms/${roomId}/members` }),
          () => ({ method: "POST", path: `/rooms/${roomId}/tickets` }),
          () => ({
            method: "POST",
            path: `/rooms/${roomId}/invites`,
            body: "{}",
            contentType: "application/json",
          }),
          () => ({ method: "DELETE", path: `/rooms/${roomId}/invites` }),
          () => ({ method: "DELETE", path: `/rooms/${roomId}/members/${watcher.session.user.userId}` }),
          () => ({ method: "POST", path: `/invites/${"A".repeat(22)}` }),
        ),
      )
      .map(([auth, request]): HttpCase => {
        const built = request();
        return { ...built, kind: `no valid token (${auth})`, status: 401, auth };
      }),
  },
);

/** `POST /sessions` needs no token; a fixed handful of bad names (the route is limited per source IP). */
const badSessionBodies: [string, string, number, string?][] = [
  ["empty name", '{"name":""}', 400],
  ["blank name", '{"name":" \t "}', 400],
  ["41 code points", JSON.stringify({ name: "é".repeat(41) }), 400],
  ["a control character", JSON.stringify({ name: "a\u0007b" }), 400],
  ["a bidi override", JSON.stringify({ name: "a\u202Eb" }), 400],
  ["a C1 control", JSON.stringify({ name: "a\u0085b" }), 400],
  ["a bidi isolate", JSON.stringify({ name: "a\u2067b\u2069" }), 400],
  ["a right-to-left mark", JSON.stringify({ name: "a\u200Fb" }), 400],
  ["an unpaired low surrogate", '{"name":"\\udc00"}', 400],
  ["zero-width only", JSON.stringify({ name: "\u200B\u200B" }), 400],
  ["an unpaired surrogate", '{"name":"a\\ud800b"}', 400],
  ["name not a string", '{"name":5}', 400],
  ["no name", "{}", 400],
  ["not JSON", "{name", 400],
  ["not JSON content type", '{"name":"fine"}', 415, "text/plain"],
];

/** The HTTP status a handshake got: 101 when accepted (the socket is closed again at once). */
function handshakeStatus(url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => {
      socket.close(1000);
      resolve(101);
    });
    socket.once("unexpected-response", (request, response) => {
      response.resume();
      request.destroy();
      resolve(response.statusCode ?? 0);
    });
    socket.once("error", reject);
  });
}

// ---- checks ----------------------------------------------------------------------------------------------

function expectContractErrorFrame(reply: unknown, c: WsCase) {
  const frame = reply as Record<string, unknown>;
  const context = `${c.kind}: ${c.frame.slice(0, 200)} -> ${JSON.stringify(reply).slice(0, 300)}`;
  expect(frame.type, context).toBe("error");
  expect(frame.code, context).toBe(c.code);
  expect(typeof frame.message === "string" && frame.message.length > 0, context).toBe(true);
  expect(frame.action, context).toBe(c.action);
  // v2 echoes the frame's clientMessageId / clientTodoId when it had one.
  for (const key of Object.keys(frame))
    expect(
      ["type", "code", "message", "action", "issues", "todo", "clientMessageId", "clientTodoId"],
      context,
    ).toContain(key);
  if (c.code === "conflict")
    expect((frame.todo as { todoId?: string }).todoId, context).toBe(knownTodoIds[0]);
}

function expectContractErrorReply(reply: HttpReply, c: HttpCase) {
  const context = `${c.kind}: ${c.method} ${c.path.slice(0, 200)} ${c.body?.slice(0, 100) ?? ""} -> ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(reply.status, context).toBe(c.status);
  expect(reply.headers.get("content-type"), context).toMatch(/^application\/json/);
  expect(Object.keys(reply.json ?? {}), context).toEqual(["error"]);
  const { code, message, issues, ...rest } = reply.json.error;
  expect(rest, context).toEqual({});
  expect(CONTRACT_STATUS[code as ContractCode], context).toBe(c.status);
  expect(typeof message === "string" && message.length > 0, context).toBe(true);
  if (issues !== undefined) expect(Array.isArray(issues), context).toBe(true);
}

/** Every malformed frame of the corpus, each answered before the next is sent. Each is checked as it is answered; the last test awaits them all. */
const wsCorpus = once(async () => {
  const kinds = new Map<string, number>();
  let consumed = prober.frames.length;
  await fc.assert(
    fc.asyncProperty(wsCases, async (c) => {
      // Exactly one answer per frame: nothing may have arrived since the last one.
      expect(prober.frames.length, "an extra frame arrived after the previous answer").toBe(consumed);
      const from = prober.frames.length;
      prober.send(c.frame);
      const reply = await prober.waitFor(() => true, { from, timeoutMs: 10_000 });
      consumed = from + 1;
      expectContractErrorFrame(reply, c);
      kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    }),
    { seed: SEED, numRuns: WS_CASES, endOnFailure: true },
  );
  await sleep(300);
  expect(prober.frames.length, "an extra frame arrived after the last answer").toBe(consumed);
  console.info(`bad input, WS corpus: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`);
});

/** Every malformed HTTP request of the corpus. Each is checked as it is answered; the last test awaits them all. */
const httpCorpus = once(async () => {
  const kinds = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(httpCases, async (c) => {
      const authorization = c.auth ? badAuthorization[c.auth] : undefined;
      const reply = await env.http.call(c.method, c.path, {
        ...(c.body !== undefined && { body: c.body }),
        ...(c.auth !== undefined && { token: null }),
        headers: {
          ...(c.contentType !== undefined && { "content-type": c.contentType }),
          ...(authorization !== undefined && { authorization }),
        },
      });
      expectContractErrorReply(reply, c);
      kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    }),
    { seed: SEED, numRuns: HTTP_CASES, endOnFailure: true },
  );
  console.info(`bad input, HTTP corpus: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`);
  // Every kind of bad token was tried at least once.
  for (const auth of BAD_AUTH) expect(kinds.has(`no valid token (${auth})`), auth).toBe(true);
});

/** Every bad POST /sessions body. Each is checked as it is answered; the last test awaits them all. */
const badSessions = once(async () => {
  for (const [kind, body, status, contentType = "application/json"] of badSessionBodies) {
    const reply = await env.http.call("POST", "/sessions", {
      body,
      token: null,
      headers: { "content-type": contentType },
    });
    expectContractErrorReply(reply, {
      kind: `POST /sessions, ${kind}`,
      method: "POST",
      path: "/sessions",
      body,
      status,
    });
  }
});

/** Every handshake without a usable ticket. Each is checked as it is answered; the last test awaits them all. */
const badHandshakes = once(async () => {
  const kinds = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.constant({ kind: "no query" }),
        fc
          .dictionary(
            fc.string({ maxLength: 8 }).filter((k) => k !== "ticket"),
            fc.string({ maxLength: 30 }),
            { maxKeys: 3 },
          )
          .map((query) => ({ kind: "no ticket", query })),
        fc.string({ maxLength: 120 }).map((ticket) => ({ kind: "garbage ticket", query: { ticket } })),
        fc
          .string({
            unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            minLength: 43,
            maxLength: 43,
          })
          .map((ticket) => ({ kind: "well-formed unknown ticket", query: { ticket } })),
        fc.constant({ kind: "v1 roomId and name", query: { roomId: "", name: "intruder" } }),
        fc.constantFrom(...BAD_AUTH.slice(2)).map((auth) => ({
          kind: "a bad bearer token as the ticket",
          query: { ticket: badAuthorization[auth] ?? "" },
        })),
      ),
      async (c: { kind: string; query?: Record<string, string> }) => {
        const url = new URL(env.stack.wsUrl);
        for (const [name, value] of Object.entries({
          ...c.query,
          ...(c.query?.roomId === "" && { roomId }),
        }))
          url.searchParams.set(name, value);
        const status = await handshakeStatus(url);
        expect(status, `${c.kind}: ${url.search.slice(0, 200)}`).toBe(401);
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
      },
    ),
    { seed: SEED, numRuns: HANDSHAKE_CASES, endOnFailure: true },
  );
  console.info(`bad input, handshakes: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}`);
});

/** All of the above, one after the other: the frame corpus counts the prober's frames, which nothing else may add to. */
const everyCorpus = once(async () => {
  for (const run of [wsCorpus, httpCorpus, badSessions, badHandshakes]) await run();
});

describe("malformed input against every route (seeded fast-check corpus)", () => {
  it(`${WS_CASES} malformed frames each get a contract error frame, to the sender alone`, wsCorpus);

  it(`${HTTP_CASES} malformed requests each get a 4xx contract error`, httpCorpus);

  it(
    `POST /sessions with ${badSessionBodies.length} bad names gets 400 (415 for another content type)`,
    badSessions,
  );

  it(`${HANDSHAKE_CASES} handshakes without a usable ticket are refused 401`, badHandshakes);

  it("left the table exactly as it was, and told the other member nothing", async () => {
    await everyCorpus();
    expect(await tableContent()).toEqual(tableBefore);
    expect(
      watcher.frames.filter((f) => f.type !== "memberJoined" && f.type !== "message" && f.type !== "todo"),
    ).toEqual([]);
    // The watcher saw the seeding (3 messages, 2 todos) and nothing since.
    expect(watcher.frames.map((f) => f.type)).toEqual(["message", "message", "message", "todo", "todo"]);
  });

  it("still serves valid requests afterwards, on the same socket", async () => {
    await everyCorpus();
    expect(prober.socket.readyState).toBe(prober.socket.OPEN);
    const created = await env.http.call("POST", "/rooms", { body: { name: "after the storm" } });
    expect(created.status).toBe(201);
    const from = prober.frames.length;
    prober.send({ action: "sendMessage", text: "still alive", clientMessageId: "after" });
    const message = await prober.waitFor((f) => f.type === "message", { from });
    await eventually(() => watcher.count("message") === 4, {
      timeoutMs: 5_000,
      describe: () => `watcher has ${watcher.count("message")} messages`,
    });
    expect(watcher.ofType("message").at(-1)).toEqual(message);
    const pongFrom = prober.frames.length;
    prober.send({ action: "ping" });
    expect(await prober.waitFor(() => true, { from: pongFrom })).toMatchObject({ type: "pong" });
  });

  it("still lets a new user sign in, take a ticket, connect and talk", async () => {
    await everyCorpus();
    const newcomer = await createSession(env.stack.httpUrl, "newcomer");
    const joinedFrom = watcher.frames.length;
    const client = await connectLive(env.stack, { roomId, who: newcomer });
    try {
      const joined = await watcher.waitFor((f) => f.type === "memberJoined", { from: joinedFrom });
      expect(joined).toMatchObject({ member: { userId: newcomer.user.userId, name: "newcomer" } });
      const from = client.frames.length;
      client.send({ action: "sendMessage", text: "hello after the storm", clientMessageId: "newcomer-1" });
      const sent = await client.waitFor((f) => f.type === "message", { from });
      expect(sent).toMatchObject({
        message: { authorId: newcomer.user.userId, author: "newcomer", text: "hello after the storm" },
      });
      expect(
        await watcher.waitFor((f) => f.type === "message" && f.message.clientMessageId === "newcomer-1"),
      ).toEqual(sent);
    } finally {
      await client.close();
    }
  });

  it("no error escaped a handler and nothing was logged above INFO", async () => {
    await everyCorpus();
    const { escaped, deliveryWarnings } = env.failures();
    expect(escaped).toEqual([]);
    expect(deliveryWarnings.map((w) => w.line)).toEqual([]);
  });
});
