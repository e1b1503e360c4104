import type {} from "vitest";

// What test/global-setup.ts provides to every test project (read with `inject`).
declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
