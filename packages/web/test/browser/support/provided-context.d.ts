// The root test/global-setup.ts starts one DynamoDB Local per run and provides its endpoint (typed there too).
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
