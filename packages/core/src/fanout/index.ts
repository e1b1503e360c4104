export * as FanOut from "./fan-out";
export {
  DEFAULT_INLINE_LIMIT,
  DEFAULT_PAGE_SIZE,
  type FanOutJob,
  type FanOutQueue,
  type FanOutSettings,
} from "./fan-out-job";
