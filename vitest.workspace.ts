import type { TestProjectInlineConfiguration } from "vitest/config";

/**
 * The test projects. Vitest 4 ignores a workspace file on its own, so vitest.config.ts imports this list.
 * - *-unit: no network; may fake one seam.
 * - *-integration: DynamoDB Local only (started once in test/global-setup.ts; endpoint via inject()).
 * - local-e2e / reliability: through the local API Gateway with real WebSocket clients.
 * - setup: scripts/setup.sh against stand-in installers.
 * - web-browser: Debian's Chromium driven by playwright-core against a local stack the test starts.
 */
// Projects do not inherit the root's test options in vitest 4, so the shared ones are set here.
const project = (name: string, root: string, include: string[], extra: Record<string, unknown> = {}) =>
  ({
    test: {
      name,
      root,
      include,
      testTimeout: 30_000,
      hookTimeout: 120_000,
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      ...extra,
    },
  }) as TestProjectInlineConfiguration;

export const projects: TestProjectInlineConfiguration[] = [
  project("dynamodb-local", "packages/dynamodb-local", ["test/**/*.test.ts"]),
  project("core-unit", "packages/core", ["test/unit/**/*.test.ts"]),
  project("core-integration", "packages/core", ["test/integration/**/*.test.ts"]),
  project("functions", "packages/functions", ["test/**/*.test.ts"]),
  project("local-e2e", "packages/local", ["test/**/*.test.ts"]),
  project("infra", ".", ["infra/test/**/*.test.ts"]),
  project("web-unit", "packages/web", ["test/unit/**/*.test.{ts,tsx}"]),
  // expect.poll waits as long as one step may take (test/browser/support/browser-stack.ts STEP_MS), not
  // vitest's default 1 s: what it polls comes back from the local stack, which a full run keeps busy.
  project("web-browser", "packages/web", ["test/browser/**/*.test.ts"], {
    testTimeout: 120_000,
    expect: { poll: { timeout: 15_000 } },
  }),
  project("setup", ".", ["test/setup/**/*.test.ts"]),
  // The reliability suite runs after the rest, one file at a time, each file on a DynamoDB Local of its own
  // (test/reliability/support/reliability-stack.ts): these files load DynamoDB Local and both cores hard enough
  // that beside other files, or on the run's shared DynamoDB Local full of earlier files' tables, timing-bound
  // checks (a send's 12 s budget, a handshake's 30 s) failed for want of capacity, not of correctness.
  project("reliability", ".", ["test/reliability/**/*.test.ts"], {
    testTimeout: 300_000,
    fileParallelism: false,
    sequence: { groupOrder: 1 },
  }),
];
