#!/usr/bin/env node
/**
 * The `logbook` executable: runs the CLI on the process's arguments and sets
 * its exit code. `logbook --version` is answered from package.json without
 * loading the CLI; every other command loads it on demand.
 */
import { createRequire } from "node:module"

const args = process.argv.slice(2)

if (args.length === 1 && args[0] === "--version") {
  const manifest: unknown = createRequire(import.meta.url)("../package.json")
  const version = typeof manifest === "object" && manifest !== null && "version" in manifest ? String(manifest.version) : "unknown"
  process.stdout.write(`${version}\n\n`)
} else {
  const [NodeContext, NodeRuntime, Effect, { main }] = await Promise.all([
    import("@effect/platform-node/NodeContext"),
    import("@effect/platform-node/NodeRuntime"),
    import("effect/Effect"),
    import("./cli/Main.js")
  ])
  NodeRuntime.runMain(
    main(process.argv).pipe(
      Effect.map((code) => {
        process.exitCode = code
      }),
      Effect.provide(NodeContext.layer)
    ),
    { disableErrorReporting: true, disablePrettyLogger: true }
  )
}
