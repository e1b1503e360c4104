/**
 * A thenable that settles synchronously, so a test can hand the connection a ticket (or a refusal) without
 * awaiting microtasks between steps. The connection only calls `.then(onFulfilled, onRejected)` on it.
 */
export function settledNow<T>(outcome: { value: T } | { error: unknown }): PromiseLike<T> {
  return {
    then(onFulfilled, onRejected) {
      if ("value" in outcome)
        return Promise.resolve(
          onFulfilled ? onFulfilled(outcome.value) : outcome.value,
        ) as unknown as PromiseLike<never>;
      if (onRejected) return Promise.resolve(onRejected(outcome.error)) as unknown as PromiseLike<never>;
      return Promise.reject(outcome.error);
    },
  };
}

/** A promise the test settles by hand (a ticket request still in flight). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
