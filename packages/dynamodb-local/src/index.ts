export { startDynamoDbLocal, DYNAMODB_LOCAL_HOST, type DynamoDbLocal, type StartOptions } from "./start-dynamodb-local";
export { freePort } from "./free-port";
export { assertLocalEndpoint } from "./assert-local-endpoint";
export { localDynamoClient } from "./local-client";
export { listeningSockets, isLoopbackAddress, type ListeningSocket } from "./listening-sockets";
