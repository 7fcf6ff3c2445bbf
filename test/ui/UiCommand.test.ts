import { afterEach, describe, expect, it } from "vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { childEntry } from "../support/ChildProcess.js"
import { logbook } from "../support/Cli.js"

const started: Array<{ child: ChildProcess; dir: string }> = []

/** Starts `logbook ui ARGS` on a fresh, migrated database; resolves with the first line it prints. */
const startUi = async (args: ReadonlyArray<string>): Promise<string> => {
  const dir = mkdtempSync(path.join(tmpdir(), "logbook-ui-cli-"))
  const migrated = await logbook(["migrate", "--database", path.join(dir, "db.sqlite")])
  if (migrated.code !== 0) throw new Error(`logbook migrate exited with ${migrated.code}: ${migrated.stderr}`)
  const child = spawn(
    process.execPath,
    [childEntry("src/bin.ts"), "ui", "--database", path.join(dir, "db.sqlite"), "--port", "0", ...args],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  started.push({ child, dir })
  return new Promise((resolve, reject) => {
    let out = ""
    let err = ""
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      const line = out.split("\n").find((l) => l.startsWith("logbook ui: "))
      if (line !== undefined) resolve(line.slice("logbook ui: ".length))
    })
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk))
    child.on("close", (code) => reject(new Error(`logbook ui exited with ${code}: ${err}`)))
  })
}

afterEach(() => {
  for (const { child, dir } of started.splice(0)) {
    child.kill("SIGTERM")
    rmSync(dir, { recursive: true, force: true })
  }
})

describe("logbook ui", () => {
  it("serves on the loopback by default and prints its address; with --host, prints a fresh token and refuses requests without it", async () => {
    const [url, withToken] = await Promise.all([startUi([]), startUi(["--host", "127.0.0.1"])])
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const response = await fetch(`${url}api/runs`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ runs: [], next: null })
    const match = /^(http:\/\/127\.0\.0\.1:\d+\/)\?token=([A-Za-z0-9_-]{32})$/.exec(withToken)
    expect(match).not.toBeNull()
    const [, base, token] = match!
    expect((await fetch(`${base}api/runs`)).status).toBe(401)
    expect((await fetch(`${base}api/runs`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
  })
})
