import type { ConnectionSender } from "../../src/broadcast/connection-sender";
import type { ServerFrame } from "../../src/protocol/frames";

/**
 * The @connections seam, in memory: every post is delivered and recorded (`sent`, by connection), every close
 * recorded (`closed`). `clear()` between tests; `framesFor(id)` is what one connection was sent.
 */
export function recordingSender() {
  const sent = new Map<string, ServerFrame[]>();
  const closed: string[] = [];
  const sender: ConnectionSender = {
    async send({ connectionId, data }) {
      sent.set(connectionId, [
        ...(sent.get(connectionId) ?? []),
        JSON.parse(Buffer.from(data).toString("utf8")),
      ]);
      return { status: "delivered" };
    },
    async close({ connectionId }) {
      closed.push(connectionId);
      return { status: "delivered" };
    },
  };
  return {
    sender,
    sent,
    closed,
    clear: () => {
      sent.clear();
      closed.length = 0;
    },
    framesFor: (connectionId: string) => sent.get(connectionId) ?? [],
  };
}
