/**
 * How a cancelled TransactWriteItems is read: DynamoDB gives one cancellation reason per item, in order.
 * Only a ConditionalCheckFailed on a given item means "that condition is false"; TransactionConflict (another
 * transaction on the same item) and throttling mean "try again", never "duplicate".
 */
export interface CancellationReason {
  rejected: boolean;
  code: string;
}

/** Codes worth retrying with backoff: contention and throttling, not a false condition. */
const RETRYABLE = new Set([
  "TransactionConflict",
  "ProvisionedThroughputExceeded",
  "ThrottlingError",
  "RequestLimitExceeded",
]);

/** The item indexes whose condition was false. */
export function failedConditions(reasons: readonly CancellationReason[]): number[] {
  return reasons.flatMap((reason, index) =>
    reason.rejected && reason.code === "ConditionalCheckFailed" ? [index] : [],
  );
}

/** True when the cancellation came from contention or throttling (nothing was decided; retry). */
export function isRetryableCancellation(reasons: readonly CancellationReason[]): boolean {
  return reasons.some((reason) => RETRYABLE.has(reason.code)) && failedConditions(reasons).length === 0;
}
