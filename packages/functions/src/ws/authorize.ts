import middy, { type MiddlewareObj } from "@middy/core";
import { UnauthorizedError } from "@rooms/core/errors";
import { Ticket } from "@rooms/core/ticket";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { getDb } from "../config/table";
import { logInvocation } from "../middleware/log-invocation";

/**
 * The `$connect` REQUEST authorizer: consumes `?ticket=` (single use, 60 s) and allows the handshake with the
 * ticket's user, name and room as `context`, which API Gateway hands to `$connect` and every later route as
 * `requestContext.authorizer`. A bad ticket is 401 (see `authorizerRefusal`).
 */
export const handler = middy(
  async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const claims = await Ticket.consume(await getDb(), { input: { ...event.queryStringParameters } });
    return {
      principalId: claims.userId,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
      },
      context: { ...claims },
    };
  },
)
  .use(authorizerRefusal())
  .use(logInvocation());

/**
 * API Gateway answers 401 only to an error whose message is exactly "Unauthorized" (anything else thrown is a
 * 500). Used before logInvocation so that the log line still sees the UnauthorizedError (an INFO, not an ERROR).
 */
function authorizerRefusal(): MiddlewareObj {
  return {
    onError: (request) => {
      if (request.error instanceof UnauthorizedError) request.error = new Error("Unauthorized");
    },
  };
}
