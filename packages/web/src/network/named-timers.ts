import type { Clock } from "./socket-seam";

/**
 * One timer per name on a `Clock`: setting a name again replaces its timer, and a timer forgets its name once it
 * has run, so `has` says whether something is still waiting.
 */
export class NamedTimers<Name> {
  readonly #clock: Clock;
  readonly #handles = new Map<Name, unknown>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  set(name: Name, ms: number, run: () => void): void {
    this.clear(name);
    const handle = this.#clock.setTimeout(() => {
      this.#handles.delete(name);
      run();
    }, ms);
    this.#handles.set(name, handle);
  }

  clear(name: Name): void {
    const handle = this.#handles.get(name);
    if (handle === undefined) return;
    this.#clock.clearTimeout(handle);
    this.#handles.delete(name);
  }

  has(name: Name): boolean {
    return this.#handles.has(name);
  }

  clearAll(): void {
    for (const handle of this.#handles.values()) this.#clock.clearTimeout(handle);
    this.#handles.clear();
  }
}
