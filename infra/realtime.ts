import { WEBSOCKET_ROUTE_THROTTLING } from "./api-settings";
import { wireRoutes } from "./function-args";
import { joinArn } from "./links";
import { WEBSOCKET_STAGE } from "./permissions";
import { table } from "./table";
import { tableIndexNames } from "./table-args";

/**
 * The WebSocket API (route selection `$request.body.action`, SST's default). Every route of the manifest's
 * webSocketRoutes gets a function linked to the table and, when it broadcasts, to this API, with
 * ManageConnections on this API's stage and POST /@connections only.
 */
export const realtime = new sst.aws.ApiGatewayWebSocket("Realtime", {
  transform: {
    // The stage name is pinned because the IAM resources in infra/permissions.ts spell it.
    stage: { name: WEBSOCKET_STAGE, defaultRouteSettings: WEBSOCKET_ROUTE_THROTTLING },
  },
});

wireRoutes(realtime, "websocket", {
  links: { table, realtime },
  arns: { tableArn: table.arn, indexNames: tableIndexNames(), realtimeExecutionArn: realtime.nodes.api.executionArn },
  joinArn,
});
