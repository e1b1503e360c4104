export { isLoopbackHost } from "@rooms/net";
