import { Logger } from "@aws-lambda-powertools/logger";

/** Structured JSON logs; level and sampling follow Powertools' own POWERTOOLS_* variables. */
export const logger = new Logger({ serviceName: "rooms" });
