export * as FanOut from "./fan-out";
export {
  DEFAULT_INLINE_LIMIT,
  DEFAULT_PAGE_SIZE,
  type DelayedJob,
  type DelayedJobQueue,
  type FanOutJob,
  type FanOutQueue,
  type FanOutSettings,
  MAX_DELAY_SECONDS,
  type PresenceDigestJob,
  type QueueJob,
  type RemovalSweepJob,
} from "./fan-out-job";
