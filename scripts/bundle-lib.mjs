/**
 * Bundles the built library entry points (dist/index.js, dist/langgraph/index.js,
 * dist/openai-agents/index.js) into dist/lib-bundle/, chunks shared between
 * them, so that `import "logbook"` reads a few files instead of resolving and
 * compiling some 150 of logbook's own modules. Every dependency stays
 * external (Effect and `@effect/*` are peer dependencies: the application's
 * one copy must be the one logbook uses). Each entry file is then replaced
 * by a one-line re-export of its bundle; the bundles sit two folders below
 * the package root, as the modules they replace, so the paths they resolve
 * from their own location (package.json, migrations/) still hold.
 * The bundles are kept ASCII (see `ascii.mjs`).
 */
import { build } from "esbuild"
import { rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { escapeNonAscii } from "./ascii.mjs"

const dist = fileURLToPath(new URL("../dist/", import.meta.url))
const entries = ["index", "langgraph/index", "openai-agents/index"]
rmSync(`${dist}lib-bundle`, { recursive: true, force: true })
await build({
  entryPoints: Object.fromEntries(entries.map((entry) => [entry.replace("/", "-"), `${dist}${entry}.js`])),
  outdir: `${dist}lib-bundle`,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning"
})
escapeNonAscii(`${dist}lib-bundle`)
for (const entry of entries) {
  const depth = entry.split("/").length - 1
  const bundle = `${"../".repeat(depth) || "./"}lib-bundle/${entry.replace("/", "-")}.js`
  writeFileSync(`${dist}${entry}.js`, `export * from "${bundle}"\n`)
}
