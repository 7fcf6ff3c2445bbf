/** Runs a script of the suite (prebuilt) in a PID namespace of its own, where it is pid 1 (as in a container). */
import { childEntry, type ChildResult, runCommand } from "../support/ChildProcess.js"

export const runInPidNamespace = (
  script: string,
  args: ReadonlyArray<string>,
  onStdout?: (chunk: string, kill: () => void) => void
): Promise<ChildResult> =>
  runCommand("unshare", ["--pid", "--fork", "--kill-child", "--mount-proc", process.execPath, childEntry(script), ...args], { onStdout })
