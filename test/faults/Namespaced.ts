/** Runs a script of the suite (prebuilt) in a PID namespace of its own, where it is pid 1 (as in a container). */
import { spawn } from "node:child_process"
import { childEntry, type ChildResult, repoRoot } from "../support/ChildProcess.js"

export const runInPidNamespace = (
  script: string,
  args: ReadonlyArray<string>,
  onStdout?: (chunk: string, kill: () => void) => void
): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      "unshare",
      ["--pid", "--fork", "--kill-child", "--mount-proc", process.execPath, childEntry(script), ...args],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      onStdout?.(chunk, () => child.kill("SIGKILL"))
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
