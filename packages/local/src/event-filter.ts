/**
 * Lambda event filtering (the `FilterCriteria` of an event source mapping), the subset of the AWS pattern syntax
 * the worker manifest uses: nested objects, arrays of alternatives at the leaves, literal values, `prefix`,
 * `exists` and `anything-but`. A record is kept when it matches any of the patterns (or there are none).
 */
export function matchesAnyFilter(patterns: readonly Record<string, unknown>[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, record));
}

function matchesPattern(pattern: Record<string, unknown>, value: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const field = isObject(value) ? value[key] : undefined;
    if (Array.isArray(rule)) return rule.some((alternative) => matchesRule(alternative, field));
    if (isObject(rule)) return matchesPattern(rule, field);
    throw new Error(`Filter pattern leaf "${key}" must be an array of alternatives`);
  });
}

function matchesRule(rule: unknown, value: unknown): boolean {
  if (!isObject(rule)) return value === rule;
  if ("prefix" in rule) return typeof value === "string" && value.startsWith(String(rule.prefix));
  if ("exists" in rule) return (value !== undefined) === rule.exists;
  if ("anything-but" in rule) {
    const excluded = rule["anything-but"];
    return value !== undefined && !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  throw new Error(`Unsupported filter rule ${JSON.stringify(rule)}`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
