import { inspect } from "node:util";

export interface GatewayLogger {
  /** One line per request, connection and frame. */
  info(line: string): void;
  /** Handler failures and other faults; the gateway keeps running. */
  error(line: string, error?: unknown): void;
}

const describe = (error: unknown) => (error === undefined ? "" : ` ${inspect(error, { depth: 4 })}`);

export const consoleLogger: GatewayLogger = {
  info: (line) => console.log(line),
  error: (line, error) => console.error(`${line}${describe(error)}`),
};

/** The default: faults on stderr, no per-request lines. */
export const errorsOnlyLogger: GatewayLogger = { info: () => {}, error: consoleLogger.error };

export const silentLogger: GatewayLogger = { info: () => {}, error: () => {} };

/** `true`: everything to the console; `false`: nothing; omitted: errors only; or a logger of your own. */
export type LogOption = boolean | GatewayLogger | undefined;

export function toLogger(log: LogOption): GatewayLogger {
  if (log === true) return consoleLogger;
  if (log === false) return silentLogger;
  return log ?? errorsOnlyLogger;
}
