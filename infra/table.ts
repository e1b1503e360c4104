import "./links";
import { isProductionStage } from "./stage";
import { tableArgs } from "./table-args";

/**
 * The one DynamoDB table, shaped by core's tableDefinition (keys, gsi1, TTL on `expiresAt`). On-demand billing and
 * point-in-time recovery come from the component. On a production stage it has deletion protection, and the
 * app's `removal: "retain"` keeps it even if it leaves this file.
 */
export const table = new sst.aws.Dynamo("Table", tableArgs({ production: isProductionStage($app.stage) }));
