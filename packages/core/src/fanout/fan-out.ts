/** `FanOut.deliverPage(...)`, `FanOut.decodeJob(...)` at call sites. */
export { deliverPage } from "./deliver-page";
export { decodeJob, encodeJob } from "./fan-out-job";
