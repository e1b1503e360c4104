/** The SQS adapter of the fan-out queue, in a module of its own so handlers load the SQS client only when used. */
export { createSqsFanOutQueue } from "./sqs-fan-out-queue";
