/**
 * Bundles the built command line (dist/cli/Run.js) into dist/cli-bundle/:
 * one chunk per command group, so that `logbook <command>` reads a few files
 * instead of resolving and compiling some 700 modules. The native driver and
 * the optional `pg` client stay external; `@effect/sql-pg` is bundled, so that
 * it shares the bundle's one copy of Effect and `@effect/sql` (a second copy
 * would raise `SqlError`s the bundle does not recognise). The chunks sit two folders
 * below the package root, as the modules they replace, so the paths they
 * resolve from their own location (package.json, migrations/, dist/ui/web/)
 * still hold. The chunks are kept ASCII (see `ascii.mjs`).
 */
import { build } from "esbuild"
import { rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { escapeNonAscii } from "./ascii.mjs"

const dist = fileURLToPath(new URL("../dist/", import.meta.url))
rmSync(`${dist}cli-bundle`, { recursive: true, force: true })
await build({
  entryPoints: [`${dist}cli/Run.js`],
  outdir: `${dist}cli-bundle`,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["better-sqlite3", "pg", "pg-*"],
  // Bundled CommonJS dependencies call `require` for Node's own modules.
  banner: { js: "import { createRequire as __logbookRequire } from \"node:module\"; const require = __logbookRequire(import.meta.url);" },
  logLevel: "warning"
})
escapeNonAscii(`${dist}cli-bundle`)
