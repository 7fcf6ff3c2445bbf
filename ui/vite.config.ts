/**
 * Builds the UI's front end into `dist/ui/web`, beside the server that
 * serves it: the app's module script and stylesheet, and uPlot's own chunk
 * (script and stylesheet) loaded only when a chart is drawn; no inline script.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../dist/ui/web", import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1000
  }
})
