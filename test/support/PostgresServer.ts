/**
 * A PostgreSQL server of a spec's own (scripts/postgres.sh in a temporary
 * folder), for the specs that stop and restart it while logbook uses it:
 * the shared server of LOGBOOK_TEST_PG_URL stays up for every other spec.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { repoRoot } from "./ChildProcess.js"

/** A running server of its own. */
export interface OwnServer {
  readonly url: string
  readonly dir: string
  /** `pg_ctl stop -m immediate`: the server dies at once, as on a crash, every connection cut. */
  readonly kill: () => void
  /** Starts the stopped server again on the same port, after crash recovery. */
  readonly restart: () => void
  /** Stops the server and removes its folder. */
  readonly remove: () => void
}

const bindir = (): string => {
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim()
    if (existsSync(path.join(dir, "pg_ctl"))) return dir
  } catch {
    // No pg_config on the PATH: the Debian layout below.
  }
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b))
  return path.join("/usr/lib/postgresql", versions.at(-1)!, "bin")
}

const asServerUser = (command: string, args: ReadonlyArray<string>) =>
  process.getuid?.() === 0
    ? execFileSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
    : execFileSync(command, [...args], { encoding: "utf8" })

/** Starts a new server in a fresh temporary folder (initdb, loopback port, database `logbook`). */
export const startOwnServer = (): OwnServer => {
  const dir = mkdtempSync(path.join(tmpdir(), "logbook-own-pg-"))
  const script = path.join(repoRoot, "scripts", "postgres.sh")
  const printed = execFileSync(script, ["start", dir], { encoding: "utf8" })
  const url = /LOGBOOK_TEST_PG_URL=(\S+)/.exec(printed)?.[1]
  if (url === undefined) throw new Error(`scripts/postgres.sh printed no URL: ${printed}`)
  const port = readFileSync(path.join(dir, "port"), "utf8").trim()
  const pgCtl = path.join(bindir(), "pg_ctl")
  const data = path.join(dir, "data")
  return {
    url,
    dir,
    kill: () => asServerUser(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]),
    restart: () =>
      asServerUser(pgCtl, [
        "-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60",
        "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=300`, "start"
      ]),
    remove: () => execFileSync(script, ["stop", dir], { encoding: "utf8" })
  }
}
