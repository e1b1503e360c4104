import { api } from "./api";
import { realtime } from "./realtime";

/**
 * The SolidJS app on S3 + CloudFront, built by Vite with the two API URLs baked in (packages/web reads
 * VITE_HTTP_URL and VITE_WS_URL). Under `sst dev` SST runs `pnpm run dev` in packages/web instead, with the same
 * variables, against the deployed dev-stage APIs.
 */
export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "pnpm run build", output: "dist" },
  environment: {
    VITE_HTTP_URL: api.url,
    VITE_WS_URL: realtime.url,
  },
  dev: { command: "pnpm run dev" },
});
