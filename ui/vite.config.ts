/**
 * Builds the UI's front end into `dist/ui/web`, beside the server that
 * serves it: `index.html` with the app's module script and stylesheet
 * inside it (`inlineEntry.ts`), and uPlot's own chunk, preloaded by the
 * page and run only when a chart is drawn (its `Intl` objects built on
 * first use, `lazyIntl.ts`).
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"
import { inlineEntry } from "./inlineEntry.js"
import { lazyIntl } from "./lazyIntl.js"

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  plugins: [lazyIntl(), inlineEntry()],
  build: {
    outDir: fileURLToPath(new URL("../dist/ui/web", import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1000
  }
})
