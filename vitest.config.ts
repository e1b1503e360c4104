import { defineConfig } from "vitest/config";
import { projects } from "./vitest.workspace";

export default defineConfig({
  test: {
    projects,
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
