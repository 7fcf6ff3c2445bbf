/**
 * Workload 6, load from several processes: 4 processes (test/postgres/loadWorker.ts)
 * each recording, from 4 fibers, audit entries (a durable `log` and a
 * write-behind `record` per round), a trace event and an LLM call, for the
 * same time, into one PostgreSQL database and into one SQLite file. Records
 * per second are every record stored (all processes) over the longest
 * process's time, flush included; the PostgreSQL figure is compared with
 * SQLite's of the same run. Needs a server: skipped with a message when
 * `LOGBOOK_TEST_PG_URL` is not set (scripts/postgres.sh start).
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { Database } from "../../src/Database.js"
import { compared, plain, type Row } from "./report.js"

const WORKLOAD = "6. load from 4 processes"
const PROCESSES = 4
const repoRoot = fileURLToPath(new URL("../../", import.meta.url))

interface WorkerResult {
  readonly audit: number
  readonly events: number
  readonly usage: number
  readonly errors: number
  readonly errorSamples: ReadonlyArray<string>
  readonly millis: number
}

const worker = (url: string, millis: number, tag: string) =>
  new Promise<WorkerResult>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/postgres/loadWorker.ts", url, String(millis), tag], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    child.on("error", reject)
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`load worker ${tag} exited with ${code}`)))
  })

/** Records per second of PROCESSES workers on `url`, migrated first; and the errors they saw. */
const load = async (url: string, millis: number) => {
  await Effect.runPromise(Effect.scoped(Layer.build(Database.layer({ url }))))
  const results = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => worker(url, millis, `bench-${i}`)))
  const records = results.reduce((n, r) => n + r.audit + r.events + r.usage, 0)
  const seconds = Math.max(...results.map((r) => r.millis)) / 1000
  const samples = results.flatMap((r) => r.errorSamples)
  if (samples.length > 0) console.log(`errors seen on ${url.startsWith("postgres") ? "PostgreSQL" : "SQLite"}: ${samples.join(" | ")}`)
  return { perSecond: records / seconds, errors: results.reduce((n, r) => n + r.errors, 0) }
}

const onServer = (url: string, statement: string) =>
  Effect.gen(function*() {
    const client = yield* PgClient.make({ url: Redacted.make(url), maxConnections: 1 })
    yield* client.unsafe(statement)
  }).pipe(Effect.scoped, Effect.provide(Reactivity.layer), Effect.runPromise)

/** Runs the workload for `millis` per backend; no rows (and a message) without a PostgreSQL server. */
export const pgLoad = async (file: (name: string) => string, millis: number): Promise<ReadonlyArray<Row>> => {
  const server = process.env["LOGBOOK_TEST_PG_URL"]
  if (server === undefined || server === "") {
    console.log(`\n${WORKLOAD} skipped: LOGBOOK_TEST_PG_URL is not set (eval "$(scripts/postgres.sh start)" runs a server)`)
    return []
  }
  const sqlite = await load(file("load"), millis)
  const name = `logbook_bench_${randomBytes(6).toString("hex")}`
  await onServer(server, `CREATE DATABASE ${name}`)
  try {
    const database = new URL(server)
    database.pathname = `/${name}`
    const postgres = await load(database.toString(), millis)
    const durability = `${PROCESSES} processes x 4 fibers, ${millis / 1000} s`
    return [
      plain({ workload: WORKLOAD, subject: "SQLite file", durability, metric: "records/s", value: sqlite.perSecond, better: "higher" }),
      compared(
        { workload: WORKLOAD, subject: "PostgreSQL (local server)", durability, metric: "records/s", value: postgres.perSecond, better: "higher" },
        "SQLite file",
        sqlite.perSecond
      ),
      plain({ workload: WORKLOAD, subject: "errors seen by callers, SQLite file", durability, metric: "count", value: sqlite.errors, better: "lower" }),
      plain({ workload: WORKLOAD, subject: "errors seen by callers, PostgreSQL", durability, metric: "count", value: postgres.errors, better: "lower" })
    ]
  } finally {
    await onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  }
}
