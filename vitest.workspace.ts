import type { TestProjectInlineConfiguration } from "vitest/config";

/**
 * The test projects. Vitest 4 ignores a workspace file on its own, so vitest.config.ts imports this list.
 * Unit tests make no network calls; integration tests talk to DynamoDB Local only (started once in
 * test/global-setup.ts); e2e tests go through the local API Gateway; browser tests drive Chromium.
 */
export const projects: TestProjectInlineConfiguration[] = [
  { test: { name: "core-unit", root: "packages/core", include: ["test/unit/**/*.test.ts"] } },
  { test: { name: "core-integration", root: "packages/core", include: ["test/integration/**/*.test.ts"] } },
];
