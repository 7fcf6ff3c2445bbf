import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { inject } from "vitest"
import { CHILD_SCRIPTS } from "./ChildScripts.js"

/** What a child process printed and how it ended. */
export interface ChildResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The repository root, for child processes. */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url))


/**
 * The prebuilt JavaScript of `script` (a path relative to the repository
 * root, or absolute inside it), to run as `node <it>`.
 */
export const childEntry = (script: string): string => {
  const relative = path.relative(repoRoot, path.resolve(repoRoot, script)).split(path.sep).join("/")
  if (!(CHILD_SCRIPTS as ReadonlyArray<string>).includes(relative)) {
    throw new Error(`${relative} is not prebuilt for child processes: add it to CHILD_SCRIPTS in test/support/ChildScripts.ts`)
  }
  return path.join(inject("childBundles"), relative.replace(/\.ts$/, ".mjs"))
}

/**
 * Runs `command` in a real child process (in the repository root and with
 * this process's environment unless given) and collects what it prints;
 * `onStdout` sees each chunk with a way to signal the child (SIGKILL unless
 * another signal is given).
 */
export const runCommand = (
  command: string,
  args: ReadonlyArray<string>,
  options: {
    readonly cwd?: string
    readonly env?: NodeJS.ProcessEnv
    readonly onStdout?: (chunk: string, kill: (signal?: NodeJS.Signals) => void) => void
  } = {}
): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      options.onStdout?.(chunk, (signal = "SIGKILL") => child.kill(signal))
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** Runs a script of the test suite (prebuilt: see {@link childEntry}) in a real Node.js child process. */
export const runScript = (
  script: string,
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Record<string, string>
    readonly onStdout?: (chunk: string, kill: (signal?: NodeJS.Signals) => void) => void
  } = {}
): Promise<ChildResult> =>
  runCommand(process.execPath, [childEntry(script), ...args], { env: { ...process.env, ...options.env }, onStdout: options.onStdout })
