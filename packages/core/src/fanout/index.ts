export * as FanOut from "./fan-out";
export {
  DEFAULT_INLINE_LIMIT,
  DEFAULT_PAGE_SIZE,
  type DelayedJobQueue,
  type FanOutJob,
  type FanOutQueue,
  type FanOutSettings,
  MAX_DELAY_SECONDS,
  type PresenceDigestJob,
  type QueueJob,
} from "./fan-out-job";
