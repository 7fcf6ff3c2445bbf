#!/usr/bin/env node
/**
 * The `logbook` executable: runs the CLI on the process's arguments and sets
 * its exit code.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import { main } from "./cli/Main.js"

NodeRuntime.runMain(
  main(process.argv).pipe(
    Effect.map((code) => {
      process.exitCode = code
    }),
    Effect.provide(NodeContext.layer)
  ),
  { disableErrorReporting: true, disablePrettyLogger: true }
)
