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

/** Runs a script of the test suite (prebuilt: see {@link childEntry}) in a real Node.js child process. */
export const runScript = (
  script: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly onStdout?: (chunk: string, kill: () => void) => void } = {}
): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childEntry(script), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      options.onStdout?.(chunk, () => child.kill("SIGKILL"))
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
