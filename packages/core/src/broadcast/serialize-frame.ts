import { PayloadTooLargeError } from "../errors/domain-errors";
import { MAX_SERVER_FRAME_BYTES } from "../protocol/constants";
import type { ServerFrame } from "../protocol/frames";

const encoder = new TextEncoder();

/**
 * Encodes a frame once for a whole fan-out. API Gateway refuses a post over 128 KB for every connection alike,
 * so an oversized frame is refused here, before anything is sent or pruned.
 */
export function serializeFrame(frame: ServerFrame): Uint8Array {
  const data = encoder.encode(JSON.stringify(frame));
  if (data.byteLength > MAX_SERVER_FRAME_BYTES) {
    throw new PayloadTooLargeError(
      `A "${frame.type}" frame of ${data.byteLength} bytes exceeds the ${MAX_SERVER_FRAME_BYTES} bytes a connection may receive`,
    );
  }
  return data;
}
