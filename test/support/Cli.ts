/**
 * Runs the `logbook` CLI inside the test process: the same program as the
 * executable (`main` of src/cli/Main.ts), with stdout and stderr captured,
 * environment variables given per call (nothing is read from the test
 * process's environment) and the exit code returned. Use `runScript` from
 * ChildProcess.ts only where the process boundary itself is under test.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import { expect } from "vitest"
import { main } from "../../src/cli/Main.js"
import { type Sink, Streams } from "../../src/cli/Streams.js"
import type { ChildResult } from "./ChildProcess.js"

/** How one in-process run is set up. */
export interface CliOptions {
  /** Environment variables the CLI sees (`LOGBOOK_DATABASE_URL`, `NO_COLOR`, ...). */
  readonly env?: Record<string, string>
  /** Whether stdout and stderr pretend to be a terminal. */
  readonly tty?: boolean
}

const capture = (tty: boolean) => {
  let text = ""
  const sink: Sink = {
    isTTY: tty,
    write: (piece) =>
      Effect.sync(() => {
        text += piece
      })
  }
  return { sink, text: () => text }
}

/** Runs `logbook ARGS` in-process and resolves with its exit code and what it printed. */
export const logbook = (args: ReadonlyArray<string>, options: CliOptions = {}): Promise<ChildResult> => {
  const stdout = capture(options.tty ?? false)
  const stderr = capture(options.tty ?? false)
  return Effect.runPromise(
    main(["node", "logbook", ...args]).pipe(
      Effect.provideService(Streams, { stdout: stdout.sink, stderr: stderr.sink }),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {})))),
      Effect.provide(NodeContext.layer)
    )
  ).then((code) => ({ code, signal: null, stdout: stdout.text(), stderr: stderr.text() }))
}

/** The one line a failed command printed on stderr; fails the test on more lines or a stack trace. */
export const oneLineError = (result: ChildResult): string => {
  const lines = result.stderr.trim().split("\n")
  expect(lines).toHaveLength(1)
  expect(result.stderr).not.toContain("    at ")
  return lines[0]!
}
