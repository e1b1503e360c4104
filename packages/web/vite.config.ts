import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const port = Number(process.env.WEB_PORT ?? 5173);

export default defineConfig({
  plugins: [solid()],
  server: { host: "127.0.0.1", port, strictPort: true },
  preview: { host: "127.0.0.1", port, strictPort: true },
  build: { target: "es2022", sourcemap: false },
});
