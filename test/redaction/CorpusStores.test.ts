/**
 * The redaction corpus end to end: one true sample of every rule of both rule
 * sets (gitleaks' default rules, secretlint's recommended preset) and every
 * shape agents write, raw and JSON-escaped, nested in every field of every
 * store — through direct writes, `record` (write-behind), the spool (the
 * database read-only), the prune archive, a backup and an export, and in log
 * lines of failed operations. Afterwards no secret is found in the bytes of
 * any file in the database folder (spool, archive and backup included), in
 * the export, or in the captured log output. With `redaction: "off"` the same
 * run finds them all.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import { readdirSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import { AuditLog } from "../../src/AuditLog.js"
import { orLog } from "../../src/BestEffort.js"
import { ConfigStore } from "../../src/ConfigStore.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import type { RedactionOptions } from "../../src/redaction/Redactor.js"
import { RecordStore } from "../../src/RecordStore.js"
import { StateStore } from "../../src/StateStore.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { tempDir } from "../support/TempDir.js"
import { type Sample, trueSamples } from "./corpus/Corpus.js"
import { makeShapes, randomSecret } from "./corpus/shapes.js"

/** One true sample of every rule (and every secretlint case). */
const onePerRule = (): ReadonlyArray<Sample> => {
  const seen = new Set<string>()
  return trueSamples.filter((s) => {
    const key = `${s.source} ${s.rule}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

interface Payload {
  /** Every sample and shape as text, then all of it JSON-escaped. */
  readonly text: string
  /** The same as a JSON value: raw texts, the escaped text, the shapes' values. */
  readonly json: Record<string, unknown>
  /** Short identifiers that hold a secret. */
  readonly ids: ReadonlyArray<string>
  /** Everything that must not be found, with its JSON-escaped form. */
  readonly needles: ReadonlyArray<string>
  readonly counts: Record<string, number>
}

const escaped = (s: string) => JSON.stringify(s).slice(1, -1)

const makePayload = (): Payload => {
  const samples = onePerRule()
  const shapes = makeShapes()
  const texts = [...samples.map((s) => s.text), ...shapes.map((s) => s.text)]
  const raw = texts.join("\n\n")
  // Identifiers: a secret that its own format gives away, and a password after a sensitive key.
  const idSecrets = [randomSecret(), randomSecret(), randomSecret()]
  const ids = [
    `task-ghp_${idSecrets[0]!.padEnd(36, "x")}`,
    `OPENAI_KEY=${idSecrets[1]}`,
    `agent-sk-ant-api03-${idSecrets[2]}${idSecrets[2]}`
  ]
  const needles = [
    ...samples.flatMap((s) => s.needles),
    ...shapes.flatMap((s) => s.needles),
    ...idSecrets
  ].filter((n) => n.length >= 6)
  return {
    text: `${raw}\n\nescaped: ${JSON.stringify(raw)}`,
    // As stored: JSON data (a class instance with toJSON and bytes become what JSON.stringify writes).
    json: JSON.parse(JSON.stringify({ samples: texts, escaped: JSON.stringify(raw), shapes: shapes.map((s) => s.value) })),
    ids,
    needles: [...new Set(needles.flatMap((n) => [n, escaped(n)]))],
    counts: {
      gitleaks: samples.filter((s) => s.source === "gitleaks").length,
      secretlint: samples.filter((s) => s.source === "secretlint").length,
      shapes: shapes.length
    }
  }
}

const trajectoryOf = (p: Payload, session: string) => ({
  schema_version: "ATIF-v1.4" as const,
  session_id: session,
  agent: { name: p.ids[2]!, version: "1.0.0", model_name: p.ids[1]!, extra: p.json },
  steps: [
    { step_id: 1, source: "user" as const, message: p.text },
    {
      step_id: 2,
      source: "agent" as const,
      message: p.text,
      tool_calls: [{ tool_call_id: "c1", function_name: "bash", arguments: p.json }],
      observation: { results: [{ source_call_id: "c1", content: p.text }] }
    }
  ]
})

/** Everything the stores take, each field holding the payload. */
const writeEverything = (p: Payload, round: string) =>
  Effect.gen(function*() {
    const [id0, id1, id2] = p.ids as [string, string, string]
    const audit = yield* AuditLog
    const tracker = yield* ExecutionTracker
    const state = yield* StateStore
    const lessons = yield* LessonsStore
    const trajectories = yield* TrajectoryStore
    const records = yield* RecordStore
    const config = yield* ConfigStore

    const entry = {
      projectId: id0,
      taskId: id1,
      agent: id2,
      action: `${round} ${id1}`,
      category: "security" as const,
      details: p.json,
      userId: id0,
      ipAddress: id1
    }
    yield* audit.log(entry)
    yield* audit.logMany([entry, { ...entry, details: { text: p.text } }])
    yield* audit.record({ ...entry, details: { text: p.text, json: p.json } })

    const trace = yield* tracker.startTrace({ projectId: id0, taskId: id1, prompt: p.text, agentId: id2, metadata: p.json })
    const invocation = yield* tracker.recordInvocation({
      traceId: trace.id,
      agent: id2,
      taskFragment: p.text,
      outputSummary: p.text,
      error: p.text,
      tokenUsage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }
    })
    yield* tracker.updateInvocation(invocation, { outputSummary: p.text, error: p.text })
    yield* tracker.recordEvent(trace.id, { type: id1, data: p.json })
    yield* tracker.recordEvent(id0, { type: "text", data: { text: p.text } })
    yield* tracker.recordLlmUsage({
      provider: id0,
      model: id1,
      agent: id2,
      traceId: trace.id,
      prompt: p.text,
      response: p.text,
      error: p.text,
      inputTokens: 1,
      outputTokens: 1
    })
    yield* tracker.completeTrace(trace.id, { success: false, metadata: p.json, error: p.text })
    const cancelled = yield* tracker.startTrace({ projectId: id0, taskId: id1, prompt: "x" })
    yield* tracker.cancelTrace(cancelled.id, p.text)

    const taskId = `${id1}-${round}`
    yield* state.save({
      taskId,
      projectId: id0,
      state: id2,
      context: { ...p.json, checkpoints: [] },
      history: [{ from: id0, to: id2, event: p.text, timestamp: new Date().toISOString(), metadata: p.json }]
    })
    yield* state.transition(taskId, { to: id1, event: p.text, metadata: p.json })
    yield* state.checkpoint(taskId, { state: id0, context: p.json, artifacts: [p.text] })

    yield* lessons.create({
      projectId: id0,
      category: "security",
      title: p.text,
      summary: p.text,
      details: p.text,
      tags: [id0, id1],
      sourceAgent: id2,
      sourceFile: id1
    })

    yield* trajectories.save(trajectoryOf(p, `${id0}-${round}-saved`), { taskId: id1 })
    yield* trajectories.record(trajectoryOf(p, `${id0}-${round}-recorded`))

    yield* records.put("notes", { id: `${id1}-${round}`, content: p.json, metadata: { text: p.text } })
    yield* config.set(`OPENAI_KEY_${round}`, p.text, { scope: `project:${id0}` })
    yield* config.set(`settings_${round}`, p.json, { scope: "global" })

    const registry = yield* AgentRegistry
    const agent = yield* registry.createAgent({
      name: `${round} ${id2}`,
      model: id1,
      smallModel: id0,
      instructions: p.text,
      tools: [id0, id1],
      mcpServerIds: [id1],
      knowledgeIds: [id2],
      accessiblePaths: [id0],
      configuration: p.json
    })
    yield* registry.updateAgent(agent.id, { model: id2, instructions: p.text, tools: [id2], configuration: { text: p.text } })
    const session = yield* registry.createSession({ agentId: agent.id, name: id1, overrides: { instructions: p.text, configuration: p.json } })
    yield* registry.appendLog(session.id, { role: "agent", type: "message", content: { text: p.text, json: p.json }, metadata: p.json })
    yield* Logbook.flush
  })

/** Operations that fail with the payload in their input, each logged through `orLog`. */
const failLoudly = (p: Payload) =>
  Effect.gen(function*() {
    const state = yield* StateStore
    const tracker = yield* ExecutionTracker
    const lessons = yield* LessonsStore
    const [id0, id1] = p.ids as [string, string, string]
    yield* state.save({ taskId: id1, projectId: 7, state: p.text, context: p.json, history: "no" } as never).pipe(orLog({ taskId: id1 }))
    yield* tracker.startTrace({ projectId: id0, taskId: 42, prompt: p.text } as never).pipe(orLog({ projectId: id0 }))
    yield* lessons.create({ category: p.text, title: p.text, summary: 3 } as never).pipe(orLog({ note: p.text }))
    yield* tracker.completeTrace(id1, { success: true }).pipe(orLog())
    yield* state.transition(id1, { to: p.text, event: p.text }).pipe(orLog())
  })

/** Runs `effect` keeping every log line (message, annotations, cause) as text. */
const capturingLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, cause, message }) => {
    lines.push(JSON.stringify({ message, annotations: Object.fromEntries(annotations), cause: String(cause) }))
  })
  return Effect.map(
    Effect.locallyWith(effect, FiberRef.currentLoggers, (loggers) => HashSet.add(HashSet.filter(loggers, (l) => l !== Logger.defaultLogger), logger)),
    (result) => ({ result, logs: lines.join("\n") })
  )
}

/** Every file under `dir`, as bytes; gzip files decompressed. */
const filesUnder = (dir: string): ReadonlyArray<{ readonly name: string; readonly bytes: Buffer }> =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return filesUnder(full).map((f) => ({ ...f, name: `${name}/${f.name}` }))
    const bytes = readFileSync(full)
    return [{ name, bytes: name.endsWith(".gz") ? gunzipSync(bytes) : bytes }]
  })

const found = (needles: ReadonlyArray<string>, haystacks: ReadonlyArray<{ readonly name: string; readonly bytes: Buffer }>) =>
  needles.flatMap((n) => haystacks.filter((h) => h.bytes.includes(n)).map((h) => `${h.name}: ${n.slice(0, 40)}`))

/** The whole run: every path, then what the folder, the export and the logs hold. */
const run = (redaction: RedactionOptions | undefined) =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const url = path.join(dir, "logbook.db")
    const p = makePayload()
    const { logs, result } = yield* capturingLogs(
      Effect.gen(function*() {
        // Direct writes and write-behind.
        yield* writeEverything(p, "direct")
        // The spool: the database read-only while the recorders run.
        const sql = yield* SqlClient.SqlClient
        yield* Effect.orDie(sql.unsafe("PRAGMA query_only = ON"))
        const audit = yield* AuditLog
        const tracker = yield* ExecutionTracker
        const trajectories = yield* TrajectoryStore
        yield* audit.record({ projectId: p.ids[0]!, action: p.ids[1]!, category: "agent", details: { text: p.text, json: p.json } })
        yield* tracker.recordEvent(p.ids[0]!, { type: p.ids[1]!, data: { text: p.text, json: p.json } })
        yield* tracker.recordLlmUsage({ provider: p.ids[0]!, model: p.ids[1]!, agent: p.ids[2]!, prompt: p.text, response: p.text })
        yield* trajectories.record(trajectoryOf(p, `${p.ids[0]}-spooled`))
        yield* Logbook.flush
        const spooled = filesUnder(dir).filter((f) => f.name.includes("spool"))
        yield* Effect.orDie(sql.unsafe("PRAGMA query_only = OFF"))
        // Failed operations, logged.
        yield* failLoudly(p)
        // Export, backup, prune archive.
        const exported = (yield* audit.export({}, "json")) + (yield* audit.export({}, "csv"))
        yield* Maintenance.backup(path.join(dir, "backup.db"))
        yield* writeEverything(p, "pruned")
        yield* Maintenance.prune({ olderThan: Duration.zero, archive: path.join(dir, "archive.jsonl.gz") })
        return { exported, spooled }
      }).pipe(Effect.provide(Logbook.layer({ url, redaction })))
    )
    expect(result.spooled.length).toBeGreaterThan(0)
    const folder = filesUnder(dir)
    expect(folder.map((f) => f.name)).toEqual(expect.arrayContaining(["logbook.db", "backup.db", "archive.jsonl.gz"]))
    return {
      p,
      inFolder: found(p.needles, folder),
      inSpool: found(p.needles, result.spooled),
      inExport: found(p.needles, [{ name: "export", bytes: Buffer.from(result.exported) }]),
      inLogs: found(p.needles, [{ name: "logs", bytes: Buffer.from(logs) }]),
      archive: folder.find((f) => f.name === "archive.jsonl.gz")!
    }
  })

describe("redaction corpus through every store and every path", () => {
  it.scopedLive("no secret in the database folder, the spool, the archive, the backup, the export or the logs", () =>
    Effect.gen(function*() {
      const { archive, inExport, inFolder, inLogs, inSpool, p } = yield* run(undefined)
      expect(p.counts.gitleaks).toBeGreaterThan(200)
      expect(p.counts.secretlint).toBeGreaterThan(50)
      expect(archive.bytes.length).toBeGreaterThan(10_000)
      expect(inFolder).toEqual([])
      expect(inSpool).toEqual([])
      expect(inExport).toEqual([])
      expect(inLogs).toEqual([])
    }), 300_000)

  it.scopedLive("with redaction \"off\" the same run finds every secret", () =>
    Effect.gen(function*() {
      const { inFolder, inSpool, p } = yield* run("off")
      const seen = new Set(inFolder.map((line) => line.slice(line.indexOf(": ") + 2)))
      const raw = p.needles.filter((n) => !seen.has(n.slice(0, 40)))
      // Every needle is found in its raw or its escaped form.
      const missing = raw.filter((n) => !seen.has(escaped(n).slice(0, 40)) && !p.needles.some((m) => m !== n && escaped(m) === n && seen.has(m.slice(0, 40))))
      expect(missing).toEqual([])
      expect(inSpool.length).toBeGreaterThan(0)
    }), 300_000)
})
