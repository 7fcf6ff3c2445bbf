/**
 * `node --import tsx bench/logTree.ts`: `AgentRegistry.logTree` over one
 * session of 100,000 logs (`LOGBOOK_BENCH_LOGS` changes the size), against
 * raw better-sqlite3 reading the same rows, parsing their JSON and building
 * the same tree, measured in the same run on the same database file.
 *
 * The tree is realistic and uneven: conversations of 100 logs, each a root
 * message with every other log below a random earlier log of its
 * conversation (depths up to tens of levels), plus one chain 1,000 deep.
 * Prints the figures and the ratio; nothing is asserted.
 */
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { AgentRegistry } from "../src/AgentRegistry.js"
import { buildLogTree } from "../src/agents/LogTree.js"
import type { SessionLog, SessionLogNode } from "../src/agents/SessionLog.js"
import { coreLayer } from "../src/Core.js"

const raw = process.env.LOGBOOK_BENCH_LOGS
const LOGS = raw === undefined ? 100_000 : Number(raw)
if (!Number.isInteger(LOGS) || LOGS < 2_000) throw new Error(`LOGBOOK_BENCH_LOGS must be an integer of at least 2000, got ${raw}`)
const RUNS = 7
const CHAIN = 1_000
const CONVERSATION = 100

const roles = ["user", "agent", "system", "tool"] as const
const types = ["message", "thought", "action", "observation"] as const

/** Writes the logs straight into the migrated table (seeding is not what is measured). */
const seed = (file: string, sessionId: string) => {
  const db = new Sqlite(file)
  try {
    const insert = db.prepare(
      "INSERT INTO agent_session_logs (id, session_id, parent_id, role, type, content, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    let random = 42
    const next = () => (random = (random * 1_103_515_245 + 12_345) % 2_147_483_648)
    db.transaction(() => {
      const start = Date.UTC(2026, 0, 1)
      for (let id = 1; id <= LOGS; id++) {
        const chain = id <= CHAIN
        const first = chain ? 1 : id - ((id - CHAIN - 1) % CONVERSATION)
        const parent = chain ? (id === 1 ? null : id - 1) : id === first ? null : first + (next() % (id - first))
        const content = JSON.stringify({ text: `step ${id}: ran the tests, 15 passed`, tokens: next() % 2_000, files: ["src/config.py"] })
        const metadata = id % 3 === 0 ? JSON.stringify({ latencyMs: next() % 5_000, model: "claude-sonnet-4-5" }) : null
        insert.run(id, sessionId, parent, roles[id % 4], types[id % 4], content, metadata, new Date(start + id).toISOString())
      }
    })()
  } finally {
    db.close()
  }
}

/** The raw side: read the rows, parse their JSON, build the tree with the same builder. */
const rawTree = (file: string, sessionId: string): ReadonlyArray<SessionLogNode> => {
  const db = new Sqlite(file, { readonly: true })
  try {
    const rows = db.prepare(
      "SELECT id, session_id, parent_id, role, type, content, metadata, created_at FROM agent_session_logs WHERE session_id = ? ORDER BY id"
    ).all(sessionId) as Array<{ id: number; session_id: string; parent_id: number | null; role: SessionLog["role"]; type: SessionLog["type"]; content: string; metadata: string | null; created_at: string }>
    return buildLogTree(rows.map((row): SessionLog => ({
      id: row.id,
      sessionId: row.session_id,
      ...(row.parent_id === null ? {} : { parentId: row.parent_id }),
      role: row.role,
      type: row.type,
      content: JSON.parse(row.content),
      ...(row.metadata === null ? {} : { metadata: JSON.parse(row.metadata) }),
      createdAt: row.created_at
    })))
  } finally {
    db.close()
  }
}

/** Logs and the deepest level of a tree, counted without recursion. */
const measure = (roots: ReadonlyArray<SessionLogNode>) => {
  let logs = 0
  let depth = 0
  const stack: Array<[SessionLogNode, number]> = roots.map((root) => [root, 1])
  while (stack.length > 0) {
    const [node, level] = stack.pop()!
    logs++
    depth = Math.max(depth, level)
    for (const child of node.children) stack.push([child, level + 1])
  }
  return { roots: roots.length, logs, depth }
}

/** Wall and CPU (user + system) milliseconds of one run. */
const time = async <A>(run: () => Promise<A> | A): Promise<[{ wall: number; cpu: number }, A]> => {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const result = await run()
  const used = process.cpuUsage(cpu)
  return [{ wall: performance.now() - start, cpu: (used.user + used.system) / 1_000 }, result]
}

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (n: number) => n.toFixed(1)

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-logtree-"))
  const file = path.join(dir, "logbook.db")
  try {
    const layer = AgentRegistry.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: file })))
    await Effect.runPromise(Effect.gen(function*() {
      const registry = yield* AgentRegistry
      const agent = yield* registry.createAgent({ name: "bench", model: "claude-sonnet-4-5" })
      const session = yield* registry.createSession({ agentId: agent.id })
      console.log(`logbook bench: AgentRegistry.logTree, ${LOGS.toLocaleString("en-US")} logs in one session`)
      console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "unknown"}, node ${process.version}, load ${os.loadavg().map((n) => n.toFixed(2)).join(", ")}`)
      seed(file, session.id)

      const logbook: Array<{ wall: number; cpu: number }> = []
      const rawRuns: Array<{ wall: number; cpu: number }> = []
      let shape = { roots: 0, logs: 0, depth: 0 }
      let rawShape = shape
      yield* registry.logTree(session.id)
      rawTree(file, session.id)
      for (let run = 0; run < RUNS; run++) {
        const [took, tree] = yield* Effect.promise(() => time(() => Effect.runPromise(registry.logTree(session.id))))
        logbook.push(took)
        shape = measure(tree)
        const [rawTook, rawResult] = yield* Effect.promise(() => time(() => rawTree(file, session.id)))
        rawRuns.push(rawTook)
        rawShape = measure(rawResult)
      }
      console.log(`tree: ${shape.roots.toLocaleString("en-US")} roots, ${shape.logs.toLocaleString("en-US")} logs, deepest ${shape.depth} levels`)
      console.log(`runs: ${RUNS} each, alternating, after one warm-up of each`)
      const line = (name: string, runs: ReadonlyArray<{ wall: number; cpu: number }>) => {
        const wall = runs.map((r) => r.wall)
        const cpu = runs.map((r) => r.cpu)
        console.log(`${name.padEnd(28)} wall median ${ms(median(wall))} ms (min ${ms(Math.min(...wall))}, max ${ms(Math.max(...wall))}); cpu median ${ms(median(cpu))} ms (min ${ms(Math.min(...cpu))})`)
      }
      line("AgentRegistry.logTree", logbook)
      line("raw better-sqlite3 + parse", rawRuns)
      console.log(`ratio logTree / raw: wall ${(median(logbook.map((r) => r.wall)) / median(rawRuns.map((r) => r.wall))).toFixed(2)}, cpu ${(median(logbook.map((r) => r.cpu)) / median(rawRuns.map((r) => r.cpu))).toFixed(2)} (medians)`)
      console.log(`same tree on both sides: ${JSON.stringify(shape) === JSON.stringify(rawShape) ? "yes" : `NO ${JSON.stringify({ shape, rawShape })}`}`)
    }).pipe(Effect.provide(layer)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
