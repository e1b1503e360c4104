/** Full-jitter backoff on its own subpath: it imports nothing, so the web client can share it cheaply. */
export { type BackoffOptions, fullJitterDelayMs } from "../broadcast/full-jitter-backoff";
