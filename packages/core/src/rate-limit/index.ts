export { type ConditionalWrite, type GcraDecision, gcra, type TatStore, takeToken } from "./gcra";
export type { RateBucketItem } from "./rate-bucket.entity";
export type { BucketLimitName } from "./rate-limit";
export * as RateLimit from "./rate-limit";
