/**
 * The retention workload: a database grown by checkpoints (default 1 GB;
 * `LOGBOOK_BENCH_RETENTION_MB`), pruned to `keepLast: 5` while another process
 * keeps writing; the file afterwards is compared with a fresh database
 * holding the same remaining rows (`VACUUM INTO`), and the writer's latency
 * during the prune is summarised. Run on its own:
 * `node --import tsx bench/retentionShrink.ts`.
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Database } from "../src/Database.js"
import * as Maintenance from "../src/Maintenance.js"
import { type Latency, latency } from "./stats.js"

const CHECKPOINT_BYTES = 64 * 1024
/** Checkpoints per task: keepLast 5 keeps 1 in 32. */
const PER_TASK = 160

/** What one run measured. */
export interface ShrinkRun {
  readonly grownBytes: number
  readonly checkpointsBefore: number
  readonly checkpointsAfter: number
  readonly pruneMs: number
  readonly deleted: Readonly<Record<string, number>>
  readonly pagesReturned: number
  /** The database file right after the prune returned, with the writer still writing. */
  readonly prunedBytes: number
  readonly prunedWalBytes: number
  /** A fresh database holding the same rows (VACUUM INTO once the writer stopped). */
  readonly freshBytes: number
  readonly ratio: number
  /** The writer's `AuditLog.log` calls over the whole run. */
  readonly writer: Latency
  /** The baseline: the writer alone, in the two seconds before the prune. */
  readonly writerBeforePrune: Latency
  readonly writerDuringPrune: Latency
}

const size = (file: string) => {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** Creates the database with logbook (migrations, incremental auto-vacuum) and grows it to `megabytes` of checkpoints. */
export const grow = async (file: string, megabytes: number) => {
  await Effect.runPromise(Effect.scoped(Effect.asVoid(Effect.provide(Database, Database.layer({ url: file })))))
  const db = new Sqlite(file)
  db.pragma("journal_mode = WAL")
  const task = db.prepare("INSERT INTO workflow_states (task_id, project_id, state, context) VALUES (?, 'bench', 'running', '{}')")
  const checkpoint = db.prepare("INSERT INTO checkpoints (id, task_id, state, context, created_at) VALUES (?, ?, 'running', ?, ?)")
  const total = Math.ceil((megabytes * 1_048_576) / CHECKPOINT_BYTES)
  const tasks = Math.max(1, Math.round(total / PER_TASK))
  for (let t = 0; t < tasks; t++) task.run(`task-${t}`)
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const context = JSON.stringify({ blob: randomBytes((CHECKPOINT_BYTES * 3) / 4 - 16).toString("base64") })
      checkpoint.run(`cp-${i}`, `task-${i % tasks}`, context, new Date(Date.UTC(2026, 0, 1) + i).toISOString())
    }
  })
  for (let i = 0; i < total; i += 500) batch(i, Math.min(total, i + 500))
  db.pragma("wal_checkpoint(TRUNCATE)")
  db.close()
  return total
}

const writerScript = fileURLToPath(new URL("./retentionWriter.ts", import.meta.url))

type Call = readonly [startedAtEpochMs: number, durationNs: number]

/** How `shrinkRun` runs its writer. */
export interface ShrinkOptions {
  /** The Node.js arguments that start the writer (bench/retentionWriter.ts), before the database file; default through tsx. */
  readonly writer?: ReadonlyArray<string>
  /** How long the writer runs alone before the prune, the baseline of its latency; default 2 seconds. */
  readonly settleMillis?: number
}

/** Starts the writer process; `stop` closes its stdin and resolves with its calls. */
const startWriter = (file: string, command: ReadonlyArray<string>) =>
  new Promise<{ readonly stop: () => Promise<ReadonlyArray<Call>> }>((resolve, reject) => {
    const child = spawn(process.execPath, [...command, file], { stdio: ["pipe", "pipe", "inherit"] })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk
      if (out.startsWith("ready\n") && out.length === "ready\n".length) {
        resolve({
          stop: () =>
            new Promise((done, fail) => {
              child.on("close", (code) => {
                if (code !== 0) return fail(new Error(`the writer exited with ${code}`))
                const last = out.trim().split("\n").at(-1) ?? "[]"
                done(JSON.parse(last) as Array<Call>)
              })
              child.stdin.end()
            })
        })
      }
    })
    child.on("error", reject)
  })

/** Grows, prunes under a writer, measures. */
export const shrinkRun = async (dir: string, megabytes: number, options: ShrinkOptions = {}): Promise<ShrinkRun> => {
  const file = path.join(dir, "grown.db")
  const fresh = path.join(dir, "fresh.db")
  const checkpointsBefore = await grow(file, megabytes)
  const grownBytes = size(file)
  const writer = await startWriter(file, options.writer ?? ["--import", "tsx", writerScript])
  // Let the writer settle, so that its latency before the prune is part of the summary too.
  await new Promise((resolve) => setTimeout(resolve, options.settleMillis ?? 2_000))
  const startedAt = Date.now()
  const started = performance.now()
  const report = await Effect.runPromise(
    Maintenance.prune({ policy: { checkpoints: { keepLast: 5 } } }).pipe(Effect.provide(Database.layer({ url: file, migrate: "off" })))
  )
  const pruneMs = performance.now() - started
  const endedAt = Date.now()
  const prunedBytes = size(file)
  const prunedWalBytes = size(`${file}-wal`)
  const calls = await writer.stop()
  const db = new Sqlite(file)
  const checkpointsAfter = (db.prepare("SELECT count(*) AS n FROM checkpoints").get() as { n: number }).n
  db.exec(`VACUUM INTO '${fresh.replaceAll("'", "''")}'`)
  db.close()
  const freshBytes = size(fresh)
  const all = Float64Array.from(calls.map(([, ns]) => ns))
  const before = Float64Array.from(calls.filter(([at]) => at < startedAt).map(([, ns]) => ns))
  const during = Float64Array.from(calls.filter(([at]) => at >= startedAt && at <= endedAt).map(([, ns]) => ns))
  return {
    grownBytes,
    checkpointsBefore,
    checkpointsAfter,
    pruneMs: Math.round(pruneMs),
    deleted: report.deleted,
    pagesReturned: report.pagesReturned,
    prunedBytes,
    prunedWalBytes,
    freshBytes,
    ratio: Number((prunedBytes / freshBytes).toFixed(3)),
    writer: latency(all),
    writerBeforePrune: latency(before),
    writerDuringPrune: latency(during)
  }
}

const main = async () => {
  const megabytes = Number(process.env.LOGBOOK_BENCH_RETENTION_MB ?? 1024)
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-retention-"))
  try {
    const run = await shrinkRun(dir, megabytes)
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
