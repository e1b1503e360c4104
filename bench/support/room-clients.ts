import type { WebSocket } from "ws";
import { createSession, joinUrl, type Session } from "../../test/support/room-session";
import { openClient, WsClient } from "../../test/support/ws-client";
import { mapConcurrently } from "./stats";

/** A server frame, as far as these clients look into it. */
export type Frame = { type?: string; message?: { clientMessageId?: string }; [key: string]: unknown };

/**
 * One live WebSocket client, kept cheap: it keeps no frames (thousands of sockets), only the count of `message`
 * frames per clientMessageId (exactly-once is checked from these) and of every frame by type.
 */
export class RoomClient extends WsClient<Frame> {
  readonly messageCounts = new Map<string, number>();

  constructor(
    socket: WebSocket,
    readonly name: string,
    onMessageFrame: (client: RoomClient, clientMessageId: string) => void,
    /** The user the socket belongs to (the real stack only; the floor has no identity). */
    readonly session?: Session,
  ) {
    super(socket, { label: name, keepFrames: false });
    this.onFrame = (frame) => {
      const id = frame.type === "message" ? frame.message?.clientMessageId : undefined;
      if (typeof id !== "string") return;
      this.messageCounts.set(id, (this.messageCounts.get(id) ?? 0) + 1);
      onMessageFrame(this, id);
    };
  }

  /** The next frame of `type` (matching `predicate`) that arrives from now on. */
  waitForType<T = Frame>(type: string, predicate: (frame: any) => boolean = () => true, timeoutMs = 30_000) {
    return this.waitForFrame<T>(
      (frame) => frame.type === type && predicate(frame),
      timeoutMs,
      `${type} frame`,
    );
  }

  /** The next frame of any type matching `predicate` that arrives from now on. */
  waitForFrame<T = Frame>(predicate: (frame: any) => boolean, timeoutMs = 30_000, what?: string): Promise<T> {
    return this.waitFor(predicate, { from: this.received, timeoutMs, ...(what && { what }) }) as Promise<T>;
  }
}

/** Tracks one message until every expected client received it. */
class Probe {
  readonly arrivals = new Set<RoomClient>();
  lastArrivalAt = 0;
  readonly done: Promise<void>;
  #resolve!: () => void;
  constructor(
    readonly clientMessageId: string,
    readonly expected: number,
  ) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
  }
  arrive(client: RoomClient, at: number) {
    this.arrivals.add(client);
    this.lastArrivalAt = at;
    if (this.arrivals.size === this.expected) this.#resolve();
  }
}

/**
 * Where clients connect. The real stack (`httpUrl` given): each socket is a user with a session
 * (`POST /sessions`) and a fresh single-use ticket (`POST /rooms/{id}/tickets`), as the contract requires. The
 * bare floor server (no `httpUrl`): `?roomId=&name=`, since it has no identity to check.
 */
export interface Target {
  wsUrl: string;
  httpUrl?: string;
}

/** The clients of one room as a benchmark drives them: open gradually, time messages, check exactly-once, close. */
export class RoomClients {
  readonly clients: RoomClient[] = [];
  #probe: Probe | undefined;

  constructor(readonly target: Target) {}

  /**
   * Opens `count` sockets with at most `concurrency` handshakes in flight. `roomFor(i)` names the room the
   * i-th socket connects to (see seat-members.ts for why that is not always the measured room).
   */
  async open({
    count,
    concurrency,
    namePrefix,
    roomFor,
  }: {
    count: number;
    concurrency: number;
    namePrefix: string;
    roomFor: (index: number) => string | Promise<string>;
  }): Promise<RoomClient[]> {
    const opened = await mapConcurrently(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (index) => this.connect(await roomFor(index), `${namePrefix}${index}`),
    );
    this.clients.push(...opened);
    return opened;
  }

  /**
   * Opens one socket to `roomId` as `name`: on the real stack as `session` (or a new guest) with a fresh ticket.
   * Not added to `clients` (open() does that; a caller of connect() pushes it when it should count).
   */
  async connect(roomId: string, name: string, session?: Session): Promise<RoomClient> {
    const { httpUrl, wsUrl } = this.target;
    if (httpUrl === undefined) {
      const url = new URL(wsUrl);
      url.searchParams.set("roomId", roomId);
      url.searchParams.set("name", name);
      return this.connectTo(url.toString(), name);
    }
    const user = session ?? (await createSession(httpUrl, name));
    return this.connectTo(await joinUrl({ httpUrl, wsUrl }, user, roomId), name, user);
  }

  /** Opens one socket to a ready-made URL (e.g. `connectUrl(wsUrl, ticket)`); resolves once the handshake completed. */
  connectTo(url: string, name: string, session?: Session): Promise<RoomClient> {
    const onMessageFrame = (client: RoomClient, id: string) => {
      if (this.#probe?.clientMessageId === id) this.#probe.arrive(client, performance.now());
    };
    return openClient(url, (socket) => new RoomClient(socket, name, onMessageFrame, session), {
      perMessageDeflate: false,
    });
  }

  /**
   * Sends one message from `sender` and resolves with the milliseconds from the send until the last client
   * (sender included) received it; rejects after `timeoutMs` saying how many did.
   */
  async timeOneMessage(
    sender: RoomClient,
    { clientMessageId, text, timeoutMs }: { clientMessageId: string; text: string; timeoutMs: number },
  ) {
    const probe = new Probe(clientMessageId, this.clients.length);
    this.#probe = probe;
    let timer: NodeJS.Timeout | undefined;
    const sentAt = performance.now();
    sender.send({ action: "sendMessage", text, clientMessageId });
    try {
      await Promise.race([
        probe.done,
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `${clientMessageId}: ${probe.arrivals.size} of ${probe.expected} clients received it within ${timeoutMs} ms`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.#probe = undefined;
    }
    return probe.lastArrivalAt - sentAt;
  }

  /** Throws unless every client received each id exactly once, no other message, and none of `forbidden` frames. */
  assertExactlyOnce(
    ids: readonly string[],
    { forbidden = ["error", "memberLeft"] }: { forbidden?: string[] } = {},
  ) {
    const wanted = new Set(ids);
    const problems: string[] = [];
    for (const client of this.clients) {
      for (const id of ids) {
        const count = client.messageCounts.get(id) ?? 0;
        if (count !== 1) problems.push(`${client.name} got ${id} ${count} times`);
      }
      for (const id of client.messageCounts.keys())
        if (!wanted.has(id)) problems.push(`${client.name} got unexpected ${id}`);
      for (const type of forbidden) {
        const count = client.count(type);
        if (count) problems.push(`${client.name} got ${count} ${type} frames`);
      }
    }
    if (problems.length) {
      throw new Error(
        `delivery was not exactly once (${problems.length} problems): ${problems.slice(0, 10).join("; ")}`,
      );
    }
  }

  /** Resolves once every client got the next frame of `type` (matching `predicate`); call before the trigger. */
  waitForAll(type: string, predicate?: (frame: any) => boolean, timeoutMs?: number) {
    return Promise.all(this.clients.map((client) => client.waitForType(type, predicate, timeoutMs)));
  }

  async closeAll(concurrency = 50) {
    await mapConcurrently(this.clients, concurrency, (client) => client.close());
    this.clients.length = 0;
  }
}
