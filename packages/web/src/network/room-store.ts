import { initialRoomState, type RoomState } from "./room-state";

/**
 * The room state one connection holds, and who hears of its changes. Every change replaces the state (never
 * mutates it) and calls every listener. Once the connection is closed for good (`ended()`) and the state says
 * so, it stays as it was left: only a patch that closes it again gets through, until a retry starts over.
 */
export class RoomStore {
  #state: RoomState = initialRoomState();
  readonly #listeners = new Set<(state: RoomState) => void>();
  readonly #ended: () => boolean;

  constructor(ended: () => boolean) {
    this.#ended = ended;
  }

  get state(): RoomState {
    return this.#state;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (state: RoomState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  update(patch: Partial<RoomState>): void {
    if (this.#ended() && patch.status !== "closed" && this.#state.status === "closed") return;
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state);
  }

  /** A change worked out by one of the pure updates, which return null when there is none. */
  apply(change: Partial<RoomState> | null): void {
    if (change) this.update(change);
  }
}
