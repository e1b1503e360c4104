import { HTTP_CORS, HTTP_ROUTE_THROTTLING } from "./api-settings";
import { fanOutQueue } from "./fan-out";
import { wireRoutes } from "./function-args";
import { authSecret, identity } from "./identity";
import { limits, reservations } from "./limits";
import { joinArn } from "./links";
import { realtime } from "./realtime";
import { table } from "./table";
import { tableIndexNames } from "./table-args";

/**
 * The HTTP API (payload v2). No API Gateway authorizer: every handler verifies `Authorization: Bearer <token>`
 * itself (guest tokens are HS256, which API Gateway's JWT authorizer cannot verify), so every route's function
 * links AuthSecret and Identity. Each also links the table; the routes marked `broadcasts` (removing a member
 * posts `removed` to their sockets and closes them) also link the WebSocket API, with @connections POST, plus
 * DELETE where `closesConnections`; those marked `schedulesJobs` (a removal schedules its sweep) link the fan-out
 * queue, with SendMessage on it. GET routes may only read.
 */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: HTTP_CORS,
  transform: {
    stage: { defaultRouteSettings: HTTP_ROUTE_THROTTLING },
  },
});

wireRoutes(api, "http", {
  links: { table, realtime, auth: { secret: authSecret, identity }, limits, fanOut: fanOutQueue },
  arns: {
    tableArn: table.arn,
    indexNames: tableIndexNames(),
    realtimeExecutionArn: realtime.nodes.api.executionArn,
    fanOutQueueArn: fanOutQueue.arn,
  },
  joinArn,
  reserved: reservations,
});
