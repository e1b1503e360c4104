export { isLoopbackHost } from "./is-loopback-host";
