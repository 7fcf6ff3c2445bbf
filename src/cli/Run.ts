/**
 * Runs the `logbook` command line on the process: its arguments in, its exit
 * code out, on the platform services the command line needs (files, paths,
 * the terminal; not the whole NodeContext). `bin.ts` loads it, bundled by
 * `npm run build` when the bundle is there.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { main } from "./Main.js"

/** Runs `logbook` on `process.argv` and sets `process.exitCode`. */
export const runOnProcess = (): void =>
  NodeRuntime.runMain(
    main(process.argv).pipe(
      Effect.map((code) => {
        process.exitCode = code
      }),
      Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer))
    ),
    { disableErrorReporting: true, disablePrettyLogger: true }
  )
