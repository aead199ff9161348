/// <reference types="vitest/config" />
import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The dev server proxies the API to a running `provgraph serve` (PROVGRAPH_URL, default :8000), so the
// session cookie and the Origin check behave as in production (same origin from the browser's view).
const api = process.env.PROVGRAPH_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../src/provgraph/console/dist",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      // GraphiQL's modules carry "use no memo" directives, meaningless once bundled: not worth a warning each.
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      input: {
        main: resolve(__dirname, "index.html"),
        graphiql: resolve(__dirname, "graphiql.html"),
      },
    },
  },
  worker: { format: "es" },
  server: {
    proxy: {
      "/graphql": { target: api, changeOrigin: false },
      "/api": { target: api, changeOrigin: false },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
