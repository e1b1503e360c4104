/** `FanOut.deliverPage(...)`, `FanOut.decodeQueueJob(...)` at call sites. */
export { deliverPage } from "./deliver-page";
export { decodeJob, decodeQueueJob, encodeJob } from "./fan-out-job";
