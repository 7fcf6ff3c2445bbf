/**
 * `logbook ui` as users start it, in its own process (so that its CPU time
 * is its own): started on a free port over a database, its URL read from
 * what it prints, its CPU time read from /proc. Also the same server serving
 * an empty page (`emptyPage.ts`), the baseline of a run.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { processCpuMs } from "./cpu.js"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))

/** A running `logbook ui`. */
export interface UiProcess {
  readonly baseUrl: string
  readonly pid: number
  /** User + system CPU time of the server so far, in ms (10 ms resolution). */
  readonly cpuMs: () => number
  readonly stop: () => Promise<void>
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

/** Runs `script` with `args` from the sources and waits for the URL it prints. */
const start = (script: string, args: ReadonlyArray<string>): Promise<UiProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const found = /logbook ui: (http:\/\/\S+?)\/?\s/.exec(output)
      if (found !== null) {
        child.stdout?.off("data", onData)
        resolve({ baseUrl: found[1]!, pid: child.pid!, cpuMs: () => processCpuMs(child.pid!), stop: () => stopped(child) })
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}: ${output}`)))
  })

/** Starts `logbook ui --database file --port 0` from the sources and waits for its URL. */
export const startUi = (file: string): Promise<UiProcess> => start("src/bin.ts", ["ui", "--database", file, "--port", "0"])

/** Starts the UI's server serving the empty page of `emptyPage.ts` and waits for its URL. */
export const startEmptyPage = (): Promise<UiProcess> => start("bench/ui/emptyPage.ts", [])
