#!/usr/bin/env node
/**
 * The `logbook` executable: runs the CLI on the process's arguments and sets
 * its exit code. `logbook --version` is answered from package.json without
 * loading the CLI. Every other command runs the bundled CLI that
 * `npm run build` writes to `dist/cli-bundle/` (one file per command group:
 * a few files to read instead of some 700 modules to resolve), or the
 * module tree when there is no bundle (running from the sources).
 */
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const args = process.argv.slice(2)

if (args.length === 1 && args[0] === "--version") {
  const manifest: unknown = createRequire(import.meta.url)("../package.json")
  const version = typeof manifest === "object" && manifest !== null && "version" in manifest ? String(manifest.version) : "unknown"
  process.stdout.write(`${version}\n\n`)
} else {
  const bundle = new URL("./cli-bundle/Run.js", import.meta.url)
  const cli: typeof import("./cli/Run.js") = existsSync(fileURLToPath(bundle))
    ? await import(bundle.href)
    : await import("./cli/Run.js")
  cli.runOnProcess()
}
