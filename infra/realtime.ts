import { WEBSOCKET_ROUTE_THROTTLING } from "./api-settings";
import { fanOutQueue } from "./fan-out";
import { wireConnectAuthorizer, wireRoutes } from "./function-args";
import { limits, reservations } from "./limits";
import { joinArn } from "./links";
import { WEBSOCKET_STAGE } from "./permissions";
import { table } from "./table";
import { tableIndexNames } from "./table-args";

/**
 * The WebSocket API (route selection `$request.body.action`, SST's default). Every route of the manifest's
 * webSocketRoutes gets a function linked to the table and, when it broadcasts, to this API, with
 * ManageConnections on this API's stage and POST /@connections only, and SendMessage on the fan-out queue
 * (infra/fan-out.ts) for a large room's pages.
 *
 * `$connect` is guarded by the manifest's webSocketAuthorizer: a Lambda REQUEST authorizer reading
 * `?ticket=` (a single-use, 60 s ticket from `POST /rooms/{roomId}/tickets`), linked to the table with DeleteItem
 * only. API Gateway answers 401 itself when the query key is missing, without invoking anything.
 */
export const realtime = new sst.aws.ApiGatewayWebSocket("Realtime", {
  transform: {
    // The stage name is pinned because the IAM resources in infra/permissions.ts spell it.
    stage: { name: WEBSOCKET_STAGE, defaultRouteSettings: WEBSOCKET_ROUTE_THROTTLING },
  },
});

const arns = {
  tableArn: table.arn,
  indexNames: tableIndexNames(),
  realtimeExecutionArn: realtime.nodes.api.executionArn,
  fanOutQueueArn: fanOutQueue.arn,
};

const connectAuthorizer = wireConnectAuthorizer(realtime, {
  links: { table },
  arns,
  joinArn,
  reserved: reservations,
});

wireRoutes(realtime, "websocket", {
  links: { table, realtime, limits, fanOut: fanOutQueue },
  arns,
  joinArn,
  connectAuthorizer,
  reserved: reservations,
});
