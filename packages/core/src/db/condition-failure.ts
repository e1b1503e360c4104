/** True when a write failed its condition; ElectroDB wraps the SDK error, so look at the cause too. */
export function isConditionFailure(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { name?: string }).name === "ConditionalCheckFailedException") return true;
  }
  return false;
}
