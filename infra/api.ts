import { HTTP_CORS, HTTP_ROUTE_THROTTLING } from "./api-settings";
import { wireRoutes } from "./function-args";
import { joinArn } from "./links";
import { table } from "./table";
import { tableIndexNames } from "./table-args";

/**
 * The HTTP API (payload v2). Every route of the manifest's httpRoutes gets a function linked to the table only:
 * no HTTP route posts to connections, so none gets the WebSocket management API. GET routes may only read.
 */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: HTTP_CORS,
  transform: {
    stage: { defaultRouteSettings: HTTP_ROUTE_THROTTLING },
  },
});

wireRoutes(api, "http", {
  links: { table },
  arns: { tableArn: table.arn, indexNames: tableIndexNames() },
  joinArn,
});
