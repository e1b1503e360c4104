/**
 * An empty object without a prototype, for maps keyed by what a client sent (query keys, header names).
 * On a plain `{}`, keys such as `constructor`, `toString` or `__proto__` find Object.prototype's members:
 * `map[key] ??= []` then returns a function, and `map.__proto__ = value` changes nothing. Here every key is
 * an own property, and JSON.stringify writes it like any other.
 */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Adds `value` to the list under `key` in a multi-value dictionary, starting the list if needed. */
export function append<T>(map: Record<string, T[]>, key: string, value: T): void {
  const list = map[key] ?? [];
  list.push(value);
  map[key] = list;
}
