/// <reference types="vitest/config" />
import { resolve } from "node:path";
import { createHash } from "node:crypto";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

// The dev server proxies the API to a running `provgraph serve` (PROVGRAPH_URL, default :8000), so the
// session cookie and the Origin check behave as in production (same origin from the browser's view).
const api = process.env.PROVGRAPH_URL ?? "http://127.0.0.1:8000";

/**
 * GraphiQL's published CSS embeds its fonts as data: URLs, which the console's CSP (default-src 'self',
 * no font-src) refuses. This moves each into a hashed file under assets/ and points the CSS at it.
 */
function fontsOutOfCss(): Plugin {
  const dataFont = /url\(\s*["']?data:font\/([a-z0-9+.-]+);base64,([A-Za-z0-9+/=]+)["']?\s*\)/g;
  return {
    name: "provgraph-fonts-out-of-css",
    apply: "build",
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== "asset" || !asset.fileName.endsWith(".css")) continue;
        const css = typeof asset.source === "string" ? asset.source : new TextDecoder().decode(asset.source);
        asset.source = css.replace(dataFont, (_match, kind: string, base64: string) => {
          const bytes = Buffer.from(base64, "base64");
          const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 10);
          const fileName = `assets/font-${hash}.${kind === "ttf" ? "ttf" : kind.replace("x-font-", "")}`;
          if (!bundle[fileName]) this.emitFile({ type: "asset", fileName, source: bytes });
          return `url(/${fileName})`;
        });
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), fontsOutOfCss()],
  build: {
    outDir: "../src/provgraph/console/dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // Nothing inlined as data: URLs (the CSP allows same-origin files, and data: only for images).
    assetsInlineLimit: 0,
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
