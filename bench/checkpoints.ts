/**
 * `npm run bench` (second part): LogbookCheckpointSaver against LangGraph's
 * own SqliteSaver (`@langchain/langgraph-checkpoint-sqlite`, installed on
 * demand into bench/peers, never a dependency of logbook), on the same
 * workload in the same run: 1,000 steps of a thread whose state grows.
 *
 * Each step puts a checkpoint as LangGraph's loop does, naming in
 * `newVersions` only the channels that changed: `messages` grows by one
 * message every step, `documents` (20 kB) changes every 100 steps, `step`
 * every step; plus one pending write. Reported: put (with its write) and
 * getTuple (latest) latency, and the bytes on disk afterwards (database
 * and WAL). `LOGBOOK_BENCH_STEPS` (default 1000) changes the size.
 */
import { type BaseCheckpointSaver, type Checkpoint, emptyCheckpoint, uuid6 } from "@langchain/langgraph-checkpoint"
import Sqlite from "better-sqlite3"
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { LogbookCheckpointSaver } from "../src/langgraph/index.js"
import { type Latency, latency } from "./stats.js"

const STEPS = Number(process.env.LOGBOOK_BENCH_STEPS ?? 1000)
if (!Number.isInteger(STEPS) || STEPS <= 0) throw new Error(`LOGBOOK_BENCH_STEPS must be a positive integer`)

const peers = fileURLToPath(new URL("./peers/", import.meta.url))
const sqliteSaverEntry = path.join(peers, "node_modules/@langchain/langgraph-checkpoint-sqlite/dist/index.js")

/** Installs the peers of the comparison once (bench/peers/node_modules). */
const installPeers = () => {
  if (existsSync(sqliteSaverEntry)) return
  console.log("installing bench peers (bench/peers) ...")
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: peers, stdio: "inherit" })
}

interface Saver {
  readonly name: string
  readonly saver: BaseCheckpointSaver
  readonly close: () => Promise<void>
  readonly files: ReadonlyArray<string>
}

const message = (i: number) => ({ role: i % 2 === 0 ? "user" : "assistant", content: `message ${i}: ${"lorem ipsum ".repeat(8)}` })
const documents = (version: number) => `document set ${version}: ${"x".repeat(20_000)}`

interface Run {
  readonly name: string
  readonly put: Latency
  readonly getTuple: Latency
  readonly bytes: number
}

const run = async (subject: Saver): Promise<Run> => {
  const putNs: Array<number> = []
  const getNs: Array<number> = []
  const messages: Array<ReturnType<typeof message>> = []
  let config = { configurable: { thread_id: "bench", checkpoint_ns: "" } as Record<string, unknown> }
  for (let step = 0; step < STEPS; step++) {
    messages.push(message(step))
    const docVersion = Math.floor(step / 100) + 1
    const checkpoint: Checkpoint = {
      ...emptyCheckpoint(),
      id: uuid6(step),
      channel_values: { messages: [...messages], documents: documents(docVersion), step },
      channel_versions: { messages: step + 1, documents: docVersion, step: step + 1 }
    }
    const newVersions: Record<string, number> = step % 100 === 0
      ? { messages: step + 1, documents: docVersion, step: step + 1 }
      : { messages: step + 1, step: step + 1 }
    const started = performance.now()
    const next = await subject.saver.put(config, checkpoint, { source: "loop", step, parents: {} }, newVersions)
    await subject.saver.putWrites(next, [["messages", message(step + 1)]], `task-${step}`)
    putNs.push((performance.now() - started) * 1e6)
    config = { configurable: { ...next.configurable } }
    const readStarted = performance.now()
    const tuple = await subject.saver.getTuple({ configurable: { thread_id: "bench", checkpoint_ns: "" } })
    getNs.push((performance.now() - readStarted) * 1e6)
    if (tuple?.checkpoint.id !== checkpoint.id) throw new Error(`${subject.name}: read back the wrong checkpoint`)
  }
  await subject.close()
  const bytes = subject.files.reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0)
  return { name: subject.name, put: latency(Float64Array.from(putNs)), getTuple: latency(Float64Array.from(getNs)), bytes }
}

const main = async () => {
  installPeers()
  const { SqliteSaver } = await import(pathToFileURL(sqliteSaverEntry).href)
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-checkpoints-"))
  const files = (file: string) => [file, `${file}-wal`, `${file}-shm`]
  try {
    const subjects: Array<() => Saver> = [
      () => {
        const file = path.join(dir, "sqlite-saver.db")
        const db = new Sqlite(file)
        const saver: BaseCheckpointSaver = new SqliteSaver(db)
        return { name: "SqliteSaver (LangGraph)", saver, close: async () => void db.close(), files: files(file) }
      },
      () => {
        const file = path.join(dir, "logbook-full.db")
        const saver = LogbookCheckpointSaver.open({ url: file })
        return { name: "LogbookCheckpointSaver (synchronous full)", saver, close: () => saver.close(), files: files(file) }
      },
      () => {
        const file = path.join(dir, "logbook-normal.db")
        const saver = LogbookCheckpointSaver.open({ url: file, synchronous: "normal" })
        return { name: "LogbookCheckpointSaver (synchronous normal)", saver, close: () => saver.close(), files: files(file) }
      }
    ]
    const runs: Array<Run> = []
    for (const make of subjects) runs.push(await run(make()))
    const baseline = runs[0]
    const us = (micros: number) => micros.toFixed(1)
    console.log(`\nLangGraph checkpoints: ${STEPS} steps of a growing thread`)
    console.log(["saver", "put p50 µs", "put p99 µs", "getTuple p50 µs", "getTuple p99 µs", "MB on disk", "bytes vs SqliteSaver"].join(" | "))
    for (const r of runs) {
      console.log([
        r.name,
        us(r.put.p50Us),
        us(r.put.p99Us),
        us(r.getTuple.p50Us),
        us(r.getTuple.p99Us),
        (r.bytes / 1e6).toFixed(2),
        (r.bytes / baseline.bytes).toFixed(3)
      ].join(" | "))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
