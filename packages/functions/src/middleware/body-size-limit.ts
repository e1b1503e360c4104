import type { MiddlewareObj } from "@middy/core";
import { PayloadTooLargeError } from "@rooms/core/errors";

const defaults = {
  /** Far above any valid request of this API (a room name is 80 characters), far below API Gateway's 10 MB. */
  maxBytes: 16 * 1024,
};

/** Refuses a request body over `maxBytes` with 413 before anything parses it. */
export function bodySizeLimit(
  opts: Partial<typeof defaults> = {},
): MiddlewareObj<{ body?: unknown; isBase64Encoded?: boolean }> {
  const options = { ...defaults, ...opts };

  const bodySizeLimitBefore: MiddlewareObj<{ body?: unknown; isBase64Encoded?: boolean }>["before"] = ({
    event,
  }) => {
    if (typeof event.body !== "string") return;
    const bytes = Buffer.byteLength(event.body, event.isBase64Encoded ? "base64" : "utf8");
    if (bytes > options.maxBytes) {
      throw new PayloadTooLargeError(
        `Request body of ${bytes} bytes exceeds the limit of ${options.maxBytes} bytes`,
      );
    }
  };

  return { before: bodySizeLimitBefore };
}
