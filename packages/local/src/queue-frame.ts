import { WebSocket } from "ws";

/**
 * How many bytes of frames the gateway holds for one client that is not reading them (beyond what the kernel's
 * socket buffers already took): 1 MB, eight of the largest frames a post may carry (128 KB). A client that keeps
 * up never comes near it. One that stops reading (a paused tab on a dead network, or one doing it on purpose) is
 * disconnected when a frame would take it past this, as API Gateway drops a client that cannot keep up, so it
 * holds neither the gateway's memory nor the Lambda that posts to it.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Queues a text frame to a client without waiting for it to be written. When the frame would take the socket's
 * unsent bytes past MAX_BUFFERED_BYTES, the socket is terminated instead (its `close` event then runs the
 * gateway's disconnect path, $disconnect included) and the answer is "gone".
 */
export function queueFrame(socket: WebSocket, data: string | Buffer): "queued" | "gone" {
  if (socket.readyState !== WebSocket.OPEN) return "gone";
  if (socket.bufferedAmount + Buffer.byteLength(data) > MAX_BUFFERED_BYTES) {
    socket.terminate();
    return "gone";
  }
  // A write that fails later surfaces as the socket's `error` and `close`, i.e. as a disconnect.
  socket.send(data, { binary: false });
  return "queued";
}
