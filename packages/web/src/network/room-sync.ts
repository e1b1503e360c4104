import { CatchUp } from "./catch-up";
import type { ConnectionTiming } from "./connection-timing";
import { NamedTimers } from "./named-timers";
import type { ClientFrame, SnapshotPart, Todo } from "./protocol";
import type { RoomMessages } from "./room-messages";
import type { RoomStore } from "./room-store";
import type { RoomTodos } from "./room-todos";
import { snapshotPatch } from "./snapshot-patch";
import type { SocketLifecycle } from "./socket-lifecycle";
import type { Clock } from "./socket-seam";

type Timer = "gapSync" | "syncRetry" | "joinCheck";

export interface RoomSyncOptions {
  store: RoomStore;
  socket: Pick<SocketLifecycle, "live" | "pauseConnectTimeout" | "awaitAgain" | "end" | "drop">;
  clock: Clock;
  timing: Pick<ConnectionTiming, "gapSyncDelayMs" | "joinCheckAfterMs">;
  /** Our userId: which read positions are others' and which messages are unread. */
  userId: string;
  /** Puts a frame on the wire; false if the socket could not take it. */
  transmit(frame: ClientFrame): boolean;
  /** Where a snapshot's messages and `changes` go. */
  messages: Pick<RoomMessages, "received" | "changed">;
  /** What a snapshot's todo list shows. */
  todos: Pick<RoomTodos, "fromSnapshot">;
  /** The room went live on this socket: what waited for that goes out. */
  wentLive(): void;
}

/**
 * Catching up with the room (the bookkeeping is catch-up.ts): the `sync` on every new socket, its snapshot
 * (paged while `hasMore`), going live once caught up, and a sync of exactly the missing range when the server
 * shows a seq past the run of messages we hold. This owns the timers for all of that.
 */
export class RoomSync {
  readonly #options: RoomSyncOptions;
  readonly #timers: NamedTimers<Timer>;
  readonly #catchUp = new CatchUp();

  constructor(options: RoomSyncOptions) {
    this.#options = options;
    this.#timers = new NamedTimers(options.clock);
  }

  /** A socket opened: the newest page the first time, after that what we missed. */
  opened(): void {
    const { state } = this.#options.store;
    this.#request(state.synced ? state.lastSeq : null);
  }

  /** A `snapshot` frame: whole, or one part of several. */
  snapshotFrame(frame: SnapshotPart): void {
    const whole = this.#catchUp.receive(frame);
    if (whole) this.#onSnapshot(whole);
  }

  /** The server has (at least) messages up to `seq` (a message, a pong, a snapshot's room). */
  noteServerSeq(seq: number | undefined): void {
    if (this.#catchUp.noteServerSeq(seq)) this.#checkGap();
  }

  /** Messages up to `newestSeq` were merged in: they may show a gap, or fill one. */
  merged(newestSeq: number): void {
    this.noteServerSeq(newestSeq);
    this.#checkGap();
  }

  /**
   * If the server has messages past the run we hold, syncs exactly that range after `gapSyncDelayMs` (unless
   * they arrive live meanwhile). Only while live and with no sync on its way: a catch-up covers it otherwise.
   */
  #checkGap(): void {
    const { store, timing } = this.#options;
    if (!this.#catchUp.hasGap(store.state.lastSeq)) {
      this.#timers.clear("gapSync");
      return;
    }
    if (store.state.status !== "live" || this.#timers.has("gapSync")) return;
    if (!this.#catchUp.gapToSync(store.state.lastSeq)) return;
    this.#timers.set("gapSync", timing.gapSyncDelayMs, () => {
      if (store.state.status === "live" && this.#catchUp.gapToSync(store.state.lastSeq))
        this.#request(store.state.lastSeq);
    });
  }

  /**
   * The server refused our sync. `rate_limited`: asked again after `waitMs`. Otherwise the connection starts
   * over, or ends if the snapshot can never be sent.
   */
  refused(code: string, waitMs: number): void {
    const { socket, transmit } = this.#options;
    if (code === "rate_limited") {
      // Still waiting for this snapshot: the connect timeout starts again with the retry.
      socket.pauseConnectTimeout();
      this.#timers.set("syncRetry", waitMs, () => {
        const sync = this.#catchUp.pending();
        if (!sync) return;
        socket.awaitAgain();
        transmit(sync);
      });
      return;
    }
    // A room whose snapshot cannot be sent will not fit next time either: no reconnect loop.
    if (code === "too_large") socket.end("too_large");
    // Otherwise, without a snapshot we cannot know what we missed: start over on a fresh connection.
    else socket.drop();
  }

  /** The socket is gone (dropped, or closed for good): no sync is in flight, and no timer runs. */
  socketGone(): void {
    this.#catchUp.reset();
    this.#timers.clearAll();
  }

  /** `afterSeq` null: the newest page. */
  #request(afterSeq: number | null): void {
    this.#timers.clear("gapSync");
    this.#options.transmit(this.#catchUp.request(afterSeq));
  }

  #onSnapshot(snapshot: SnapshotPart): void {
    const { store, userId, messages: held, todos } = this.#options;
    const after = this.#catchUp.answered(snapshot);
    this.#timers.clear("syncRetry");
    const newestPage = after === null;
    const messages = snapshot.messages ?? [];
    // The newest page starts the run we hold; every later page continues it.
    if (newestPage) store.update({ lastSeq: Math.max(store.state.lastSeq, messages.at(-1)?.seq ?? 0) });
    // Held messages edited, deleted or reacted to while we were away, as they are now.
    held.changed(snapshot.changes ?? []);
    held.received(messages);
    const shown = { userId, newestPage, todos: (list: readonly Todo[]) => todos.fromSnapshot(list) };
    store.update(snapshotPatch(store.state, snapshot, shown));
    this.noteServerSeq(snapshot.room?.lastSeq);
    if (after === undefined) return;
    const next = this.#catchUp.next({
      after,
      hasMore: snapshot.hasMore ?? false,
      lastSeq: store.state.lastSeq,
    });
    if (next === "more") {
      this.#request(store.state.lastSeq);
      return;
    }
    if (store.state.status !== "live") this.#goLive();
    this.#checkGap();
  }

  #goLive(): void {
    const { store, socket, timing, transmit, wentLive } = this.#options;
    socket.live();
    store.update({ status: "live", retryAt: null });
    wentLive();
    // A message stored just after our snapshot may have been fanned out to a room list read a moment before we
    // joined (the server reuses a room's list for up to a second): one ping a little later shows, by its
    // `lastSeq`, whether one passed us by, instead of at the next message or the 5-minute ping.
    this.#timers.set("joinCheck", timing.joinCheckAfterMs, () => transmit({ action: "ping" }));
  }
}
