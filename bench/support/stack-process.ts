/**
 * The child side of startStackInChild (stack-in-child.ts): one local stack in a process of its own.
 * `startLocalStack` serves one stack per process, and a benchmark that drives a thousand sockets should not
 * share its event loop with the handlers it measures. Options come as JSON in argv[2]; the parent hears
 * `ready` and every handler failure over IPC, and stops the stack with a `stop` message.
 */
import { inspect } from "node:util";
import { type LocalStackOptions, startLocalStack } from "@rooms/local";
import { RAISED_LIMITS } from "../../test/support/raised-limits";

export interface StackProcessOptions {
  /** An already running DynamoDB Local (or a proxy in front of one); else the stack starts its own, in memory. */
  dynamodbEndpoint?: string;
  skipDisconnect?: boolean;
  tableName?: string;
}

export type StackProcessMessage =
  | {
      type: "ready";
      httpUrl: string;
      wsUrl: string;
      connectionsUrl: string;
      dynamodbEndpoint: string;
      tableName: string;
    }
  | { type: "failure"; line: string }
  | { type: "startFailed"; error: string };

const send = (message: StackProcessMessage) => process.send?.(message);
const options = JSON.parse(process.argv[2] ?? "{}") as StackProcessOptions;

const stackOptions: LocalStackOptions = {
  ...(options.dynamodbEndpoint && { dynamodb: { endpoint: options.dynamodbEndpoint } }),
  ...(options.tableName && { tableName: options.tableName }),
  skipDisconnect: options.skipDisconnect ?? false,
  // A benchmark signs in and seats hundreds of members from one address as fast as it can.
  limits: RAISED_LIMITS,
  log: {
    info: () => {},
    error: (line, error) =>
      send({
        type: "failure",
        line: `${line}${error === undefined ? "" : ` ${inspect(error, { depth: 3 })}`}`,
      }),
  },
};

try {
  const stack = await startLocalStack(stackOptions);
  const { httpUrl, wsUrl, connectionsUrl, dynamodbEndpoint, tableName } = stack;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stack.stop().finally(() => process.exit(0)));
  process.on("message", (message: { type?: string }) => message?.type === "stop" && void stop());
  // The parent went away without asking: do not linger with DynamoDB Local and open ports.
  process.on("disconnect", () => void stop());
  send({ type: "ready", httpUrl, wsUrl, connectionsUrl, dynamodbEndpoint, tableName });
} catch (error) {
  send({ type: "startFailed", error: inspect(error, { depth: 3 }) });
  process.exit(1);
}
