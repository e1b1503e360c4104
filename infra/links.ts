/**
 * What linking the table or the WebSocket API gives a function: its name/URLs (`Resource.Table.name`,
 * `Resource.Realtime.managementEndpoint`) and no permissions. SST's built-in links grant `dynamodb:*` on the
 * table and `<table>/*`, and ManageConnections on every stage and method of the API; instead every function gets
 * the exact statements of infra/permissions.ts. The properties are the built-in ones, so sst-env.d.ts is unchanged.
 * Imported (for its effect) by infra/table.ts, before any function is created.
 */
sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({
  properties: { name: table.name },
}));

sst.Linkable.wrap(sst.aws.Queue, (queue) => ({
  properties: { url: queue.url },
}));

sst.Linkable.wrap(sst.aws.ApiGatewayWebSocket, (api) => ({
  properties: { url: api.url, managementEndpoint: api.managementEndpoint },
}));

/** Joins ARN parts from infra/permissions.ts into one deploy-time string. */
export const joinArn = (parts: readonly $util.Input<string>[]) => $concat(...parts);
