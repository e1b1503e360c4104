/**
 * The DynamoDB client class alone, for a handler to load on first use (`await import("@rooms/core/dynamodb-client")`).
 * A static named import lets the bundler keep only the client and what ElectroDB's commands use: a bundle that
 * imports `@aws-sdk/client-dynamodb` itself with `import()` must keep every export of the package (all its
 * commands, waiters and paginators), about 20 KB raw more per handler.
 */
export { DynamoDBClient } from "@aws-sdk/client-dynamodb";
