/**
 * Real Node.js child processes for the multi-process tests: a TypeScript
 * script run as a prebuilt child (test/support/ChildProcess.ts), its output read line by line.
 */
import * as Effect from "effect/Effect"
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { childEntry } from "../support/ChildProcess.js"

const repoRoot = fileURLToPath(new URL("../../", import.meta.url))

/** How a child ended, with everything it printed. */
export interface Ended {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** A running child process. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams
  /** The complete lines printed so far. */
  readonly lines: ReadonlyArray<string>
  /** Resolves when the child has printed a line matching `test`. */
  readonly waitForLine: (test: (line: string) => boolean) => Effect.Effect<string, Error>
  /** Resolves when the child has ended. */
  readonly ended: Effect.Effect<Ended>
}

/** Starts `test/state/scripts/<script>` in a child process; it is killed when the scope closes. */
export const spawnScript = (script: string, args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync((): Child => {
      const child = spawn(
        process.execPath,
        [childEntry(`test/state/scripts/${script}`), ...args],
        { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] }
      )
      const lines: Array<string> = []
      const waiters: Array<() => void> = []
      let stdout = ""
      let stderr = ""
      let partial = ""
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        const parts = (partial + chunk).split("\n")
        partial = parts.pop() ?? ""
        lines.push(...parts)
        for (const wake of waiters.splice(0)) wake()
      })
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk
      })
      let closed = false
      const ended = new Promise<Ended>((resolve) => {
        child.on("close", (code, signal) => {
          closed = true
          if (partial !== "") lines.push(partial)
          for (const wake of waiters.splice(0)) wake()
          resolve({ code, signal, stdout, stderr })
        })
      })
      const waitForLine = (test: (line: string) => boolean) =>
        Effect.async<string, Error>((resume) => {
          const check = () => {
            const hit = lines.find(test)
            if (hit !== undefined) return resume(Effect.succeed(hit))
            if (closed) return resume(Effect.fail(new Error(`child ${script} ended first; stderr: ${stderr}`)))
            waiters.push(check)
          }
          check()
        })
      return { process: child, lines, waitForLine, ended: Effect.promise(() => ended) }
    }),
    (child) =>
      Effect.sync(() => {
        if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL")
      }).pipe(Effect.zipRight(child.ended))
  )

/** A temporary folder for a database file, removed when the scope closes. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(tmpdir(), "logbook-state-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)
