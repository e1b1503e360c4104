export { assertLocalEndpoint } from "./assert-local-endpoint";
export { freePort } from "./free-port";
export { isLoopbackAddress, type ListeningSocket, listeningSockets } from "./listening-sockets";
export { localDynamoClient } from "./local-client";
export {
  DYNAMODB_LOCAL_HOST,
  type DynamoDbLocal,
  type StartOptions,
  startDynamoDbLocal,
} from "./start-dynamodb-local";
