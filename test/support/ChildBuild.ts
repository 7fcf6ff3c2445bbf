/**
 * Vitest global setup: bundles once, at the start of a run, every script the
 * suite runs as a child process (each with what it imports from src/ and
 * the smaller packages; effect and @effect/* stay in node_modules, see
 * EXTERNAL) into plain JavaScript, so a child starts with `node bundle.mjs`
 * instead of compiling TypeScript through tsx. `import.meta.url` keeps the value it has in the source file, so
 * package.json, the migrations and the UI assets are found as from src/.
 * The bundles live in a fresh folder under node_modules/.cache for the run
 * (told to the workers as `childBundles`) and are removed when it ends.
 */
import { build, type Plugin } from "esbuild"
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { TestProject } from "vitest/node"
import { CHILD_SCRIPTS } from "./ChildScripts.js"

const repoRoot = fileURLToPath(new URL("../../", import.meta.url))

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder of this run's child-process bundles (see test/support/ChildBuild.ts). */
    childBundles: string
  }
}

/** Packages loaded from node_modules at run time: native code, and optional peers a spec hides on purpose. */
// Effect stays one instance: @effect/sql-pg, loaded from node_modules (and blockable by a test), must see the
// same @effect/sql classes (`SqlError`) as the bundled code, so effect and @effect/* are not bundled either.
const EXTERNAL = ["better-sqlite3", "effect", "@effect/*", "pg", "@langchain/*", "@openai/agents-core"]

const sourceUrl: Plugin = {
  name: "source-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
      const source = readFileSync(args.path, "utf8")
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" }
    })
  }
}

export default async function setup(project: TestProject) {
  const cache = path.join(repoRoot, "node_modules", ".cache")
  mkdirSync(cache, { recursive: true })
  const outdir = mkdtempSync(path.join(cache, "logbook-children-"))
  // Readable by every user: some specs run a child as an unprivileged user.
  chmodSync(outdir, 0o755)
  await build({
    entryPoints: CHILD_SCRIPTS.map((script) => path.join(repoRoot, script)),
    outbase: repoRoot,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    plugins: [sourceUrl],
    banner: {
      js: [
        `import { createRequire as __childRequire } from "node:module";`,
        `import { fileURLToPath as __childPath } from "node:url";`,
        // For CommonJS packages bundled into these ES modules.
        `const require = __childRequire(import.meta.url);`,
        // The entry sees its source path as argv[1], as under tsx (scripts that run only as a main module check it).
        `if (process.argv[1] === __childPath(import.meta.url)) process.argv[1] = ${JSON.stringify(repoRoot)} + process.argv[1].slice(${
          JSON.stringify(outdir.length + 1)
        }).replace(/\\.mjs$/, ".ts");`
      ].join("\n")
    },
    logLevel: "warning"
  })
  project.provide("childBundles", outdir)
  return () => rmSync(outdir, { recursive: true, force: true })
}
