import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as List from "effect/List"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as Logger from "effect/Logger"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { AuditEntry, type AuditEntryInput, AuditLog, type AuditQuery } from "../../src/AuditLog.js"
import { AuditSink } from "../../src/audit/AuditSink.js"
import { PIECE_SIZE } from "../../src/audit/AuditExport.js"
import { EXPORT_PAGE_SIZE } from "../../src/audit/auditPages.js"
import { INSERT_COLUMNS } from "../../src/audit/Queries.js"
import { parameterLimit } from "../../src/database/Dialect.js"
import { DatabaseError, ValidationError } from "../../src/Errors.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { countEntries } from "./AuditLogTestLayer.js"

/** Rows of one audit insert: the dialect's parameter limit over the bound parameters per row. */
const rowsPerStatement = Effect.map(SqlClient.SqlClient, (sql) => Math.floor(parameterLimit(sql) / INSERT_COLUMNS))
import { parseCsv } from "./parseCsv.js"
import { describeBackends } from "../support/Backends.js"
import { failureOf } from "../support/Effects.js"

describeBackends("AuditLog", ({ core }) => {
const TestLayer = AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const validationFailure = <A, E>(exit: Exit.Exit<A, E>): ValidationError => {
  const error = failureOf(exit)
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`)
  return error
}

/** Reference semantics of a query over entries as inserted (ids ascending). */
const reference = (entries: ReadonlyArray<AuditEntry>, q: AuditQuery): ReadonlyArray<number> => {
  const matching = entries.filter((e) =>
    (q.projectId == null || e.projectId === q.projectId) &&
    (q.taskId == null || e.taskId === q.taskId) &&
    (q.category == null || e.category === q.category) &&
    (q.agent == null || e.agent === q.agent) &&
    (q.action == null || e.action === q.action) &&
    (q.since == null || e.timestamp >= String(q.since)) &&
    (q.until == null || e.timestamp < String(q.until))
  )
  const sorted = [...matching].sort((a, b) =>
    a.timestamp === b.timestamp ? a.id - b.id : a.timestamp < b.timestamp ? 1 : -1
  )
  const offset = q.offset ?? 0
  return sorted.slice(offset, q.limit == null ? undefined : offset + q.limit).map((e) => e.id)
}

const minute = (n: number) => new Date(Date.UTC(2025, 0, 1, 12, n)).toISOString()

/** 90 entries over 3 projects, 3 tasks, 5 categories, 3 agents, 2 actions and 7 timestamps (many ties). */
const fixture: ReadonlyArray<AuditEntryInput> = Array.from({ length: 90 }, (_, i) => ({
  projectId: [null, "p1", "p2"][i % 3],
  taskId: ["t1", "t2", undefined][(i >> 1) % 3],
  category: (["state", "file", "agent", "security", "user"] as const)[i % 5],
  agent: ["planner", "builder", null][i % 4 % 3],
  action: i % 2 === 0 ? "start" : "finish",
  details: { i },
  timestamp: minute((i * 5) % 7)
}))

const filterValues = {
  projectId: "p1",
  taskId: "t2",
  category: "file",
  agent: "builder",
  action: "start",
  since: minute(2),
  until: minute(5)
} as const

const filterNames: ReadonlyArray<keyof typeof filterValues> = ["projectId", "taskId", "category", "agent", "action", "since", "until"]

/** Every subset of the filters. */
const filterCombinations: ReadonlyArray<AuditQuery> = Array.from({ length: 1 << filterNames.length }, (_, mask) =>
  Object.fromEntries(filterNames.filter((_, bit) => (mask >> bit) & 1).map((name) => [name, filterValues[name]]))
)

const decodeEntry = Schema.decodeUnknownSync(AuditEntry)
const decodeEntries = Schema.decodeUnknownSync(Schema.Array(AuditEntry))

const collect = (stream: Stream.Stream<string, DatabaseError | ValidationError>) =>
  Effect.map(Stream.runCollect(stream), (chunk) => Chunk.toReadonlyArray(chunk).join(""))

describe("AuditLog.log", () => {
  it.effect("stores every field, normalises the timestamp and returns ascending ids", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const first = yield* audit.log({
        projectId: "p1",
        taskId: "t1",
        agent: "planner",
        action: "plan.created",
        category: "agent",
        details: { steps: ["a", "b"], nested: { n: 1.5, ok: true, none: null } },
        userId: "u1",
        ipAddress: "10.0.0.1",
        timestamp: "2025-03-01T10:00:00+02:00"
      })
      const second = yield* audit.log({ action: "file.write", category: "file", timestamp: new Date(Date.UTC(2025, 2, 2)) })
      expect(second).toBeGreaterThan(first)
      const entries = yield* audit.query()
      expect(entries).toEqual([
        {
          id: second,
          timestamp: "2025-03-02T00:00:00.000Z",
          projectId: null,
          taskId: null,
          agent: null,
          action: "file.write",
          category: "file",
          details: null,
          userId: null,
          ipAddress: null
        },
        {
          id: first,
          timestamp: "2025-03-01T08:00:00.000Z",
          projectId: "p1",
          taskId: "t1",
          agent: "planner",
          action: "plan.created",
          category: "agent",
          details: { steps: ["a", "b"], nested: { n: 1.5, ok: true, none: null } },
          userId: "u1",
          ipAddress: "10.0.0.1"
        }
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("takes the timestamp from the Clock when none is given", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* TestClock.setTime(Date.UTC(2025, 5, 15, 8, 30, 0, 123))
      yield* audit.log({ action: "now", category: "user", projectId: null, details: undefined })
      const [entry] = yield* audit.query()
      expect(entry?.timestamp).toBe("2025-06-15T08:30:00.123Z")
      expect(entry?.projectId).toBeNull()
      expect(entry?.details).toBeNull()
    }).pipe(Effect.provide(TestLayer)))

  it.effect("writes details as JSON.stringify would: Dates as ISO text, undefined members left out", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      class Point {
        constructor(readonly x: number, readonly y: number) {}
      }
      yield* audit.log({
        action: "a",
        category: "state",
        details: { at: new Date(Date.UTC(2025, 0, 1)), skipped: undefined, point: new Point(1, 2), list: [1, "x", null] }
      })
      const [entry] = yield* audit.query()
      expect(entry?.details).toEqual({ at: "2025-01-01T00:00:00.000Z", point: { x: 1, y: 2 }, list: [1, "x", null] })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an unknown category is a ValidationError and nothing is written", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const entry: unknown = { action: "x", category: "billing" }
      // @ts-expect-error: the category is not an AuditCategory
      const exit = yield* Effect.exit(audit.log(entry))
      const error = validationFailure(exit)
      expect(error.issues).toEqual([{ path: "category", message: expect.stringContaining("expected one of") }])
      expect(error.message).not.toContain("billing")
      expect(yield* countEntries).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("each malformed field is an issue with its path; nothing is written", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const cyclic: Record<string, unknown> = { name: "loop" }
      cyclic["self"] = cyclic
      const input: unknown = {
        action: "",
        category: "state",
        projectId: 5,
        details: {
          fn: () => 1,
          nan: Number.NaN,
          big: 10n,
          map: new Map([["k", 1]]),
          list: [1, undefined],
          deep: { cyclic }
        },
        timestamp: "2025-01-01T10:00"
      }
      // @ts-expect-error: projectId is not a string
      const exit = yield* Effect.exit(audit.log(input))
      const error = validationFailure(exit)
      const paths = error.issues.map((issue) => issue.path)
      expect(paths).toEqual(expect.arrayContaining([
        "projectId",
        "action",
        "details.fn",
        "details.nan",
        "details.big",
        "details.map",
        "details.list.1",
        "details.deep.cyclic.self",
        "timestamp"
      ]))
      expect(yield* countEntries).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("rejects timestamps that are not ISO-8601 with a zone, or not real dates", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      for (const timestamp of ["yesterday", "2025-01-01 10:00:00Z", "2025-02-30T00:00:00Z", "2025-01-01T10:00:00", "1/2/2025"]) {
        const error = validationFailure(yield* Effect.exit(audit.log({ action: "a", category: "user", timestamp })))
        expect(error.issues.map((issue) => issue.path)).toEqual(["timestamp"])
      }
      const invalidDate = validationFailure(
        yield* Effect.exit(audit.log({ action: "a", category: "user", timestamp: new Date(Number.NaN) }))
      )
      expect(invalidDate.issues.map((issue) => issue.path)).toEqual(["timestamp"])
      expect(yield* countEntries).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("entries are append-only: the database refuses an update", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const sql = yield* SqlClient.SqlClient
      const id = yield* audit.log({ action: "a", category: "security" })
      const exit = yield* Effect.exit(sql`UPDATE audit_logs SET action = 'b' WHERE id = ${id}`)
      expect(Exit.isFailure(exit)).toBe(true)
      const [entry] = yield* audit.query()
      expect(entry?.action).toBe("a")
    }).pipe(Effect.provide(TestLayer)))
})

describe("AuditLog.logMany", () => {
  it.effect("returns the ids in input order across several statements", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const count = (yield* rowsPerStatement) * 2 + 17
      const ids = yield* audit.logMany(
        Array.from({ length: count }, (_, i) => ({ action: `a${i}`, category: "state" as const, timestamp: minute(0) }))
      )
      expect(ids).toHaveLength(count)
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe(ids[i - 1]! + 1)
      const entries = yield* audit.query()
      // Same timestamp: insertion order, so the ids map back to the actions.
      expect(entries.map((e) => [e.id, e.action])).toEqual(ids.map((id, i) => [id, `a${i}`]))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an empty list writes nothing", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      expect(yield* audit.logMany([])).toEqual([])
      expect(yield* countEntries).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("one invalid entry fails the call with its index in the path and nothing is written", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const entries: ReadonlyArray<unknown> = [
        { action: "ok", category: "state" },
        { action: "bad", category: "nope" },
        { action: "ok", category: "file" }
      ]
      // @ts-expect-error: the second entry's category is not an AuditCategory
      const error = validationFailure(yield* Effect.exit(audit.logMany(entries)))
      expect(error.issues.map((issue) => issue.path)).toEqual(["1.category"])
      expect(yield* countEntries).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("is one transaction: a failure in a later statement leaves nothing written", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const sql = yield* SqlClient.SqlClient
      yield* sql.onDialectOrElse({
        pg: () => sql`ALTER TABLE audit_logs ADD CONSTRAINT refuse_boom CHECK (action <> 'boom')`,
        orElse: () =>
          sql`CREATE TEMP TRIGGER refuse_boom BEFORE INSERT ON audit_logs WHEN new.action = 'boom'
            BEGIN SELECT RAISE(ABORT, 'boom refused'); END`
      })
      const perStatement = yield* rowsPerStatement
      const entries = Array.from({ length: perStatement + 10 }, (_, i) => ({
        action: i === perStatement + 5 ? "boom" : "fine",
        category: "state" as const
      }))
      const error = failureOf(yield* Effect.exit(audit.logMany(entries)))
      expect(error).toBeInstanceOf(DatabaseError)
      expect(error).toMatchObject({ reason: "Constraint", operation: "AuditLog.logMany" })
      expect(yield* countEntries).toBe(0)
    }).pipe(Effect.provide(TestLayer)))
})

describe("AuditLog.query", () => {
  it.effect("every combination of filters matches the reference semantics", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany(fixture)
      const all = [...(yield* audit.query())].sort((a, b) => a.id - b.id)
      expect(all).toHaveLength(fixture.length)
      let nonEmpty = 0
      for (const q of filterCombinations) {
        const expected = reference(all, q)
        if (expected.length > 0) nonEmpty++
        expect({ q, ids: (yield* audit.query(q)).map((e) => e.id) }).toEqual({ q, ids: expected })
      }
      expect(filterCombinations).toHaveLength(128)
      // The fixture is rich enough that most combinations select something.
      expect(nonEmpty).toBeGreaterThan(40)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("limit and offset page through the ordered result", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany(fixture)
      const all = [...(yield* audit.query())].sort((a, b) => a.id - b.id)
      for (const q of [{ limit: 10 }, { offset: 85 }, { limit: 7, offset: 20 }, { projectId: "p2", limit: 4, offset: 3 }]) {
        expect((yield* audit.query(q)).map((e) => e.id)).toEqual(reference(all, q))
      }
      const pages = []
      for (let offset = 0; offset < fixture.length; offset += 13) {
        pages.push(...(yield* audit.query({ limit: 13, offset })).map((e) => e.id))
      }
      expect(pages).toEqual((yield* audit.query()).map((e) => e.id))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("newest first; equal timestamps in insertion order; since inclusive, until exclusive", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const [a, b, c, d] = yield* audit.logMany([
        { action: "a", category: "state", timestamp: minute(1) },
        { action: "b", category: "state", timestamp: minute(2) },
        { action: "c", category: "state", timestamp: minute(1) },
        { action: "d", category: "state", timestamp: minute(3) }
      ])
      expect((yield* audit.query()).map((e) => e.id)).toEqual([d, b, a, c])
      expect((yield* audit.query({ since: minute(1), until: minute(3) })).map((e) => e.id)).toEqual([b, a, c])
      expect((yield* audit.query({ since: new Date(minute(2)) })).map((e) => e.id)).toEqual([d, b])
      expect((yield* audit.query({ until: "2025-01-01T14:02:00+02:00" })).map((e) => e.id)).toEqual([a, c])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid options are a ValidationError", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      for (const options of [{ since: "last week" }, { limit: -1 }, { limit: 0 }, { offset: 1.5 }]) {
        validationFailure(yield* Effect.exit(audit.query(options)))
      }
      const category: unknown = "billing"
      // @ts-expect-error: the category is not an AuditCategory
      validationFailure(yield* Effect.exit(audit.query({ category })))
    }).pipe(Effect.provide(TestLayer)))
})

describe("AuditLog.summary", () => {
  it.effect("counts a project's entries per category, most first, ties by name", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const entry = (category: AuditEntryInput["category"], projectId = "p1") => ({ action: "x", category, projectId })
      yield* audit.logMany([
        entry("user"),
        entry("file"),
        entry("file"),
        entry("state"),
        entry("agent"),
        entry("agent"),
        entry("file"),
        entry("security", "p2"),
        entry("security", "p2"),
        entry("security", "p2"),
        { action: "x", category: "security" }
      ])
      expect(yield* audit.summary("p1")).toEqual([
        { category: "file", count: 3 },
        { category: "agent", count: 2 },
        { category: "state", count: 1 },
        { category: "user", count: 1 }
      ])
      expect(yield* audit.summary("p2")).toEqual([{ category: "security", count: 3 }])
      expect(yield* audit.summary("none")).toEqual([])
    }).pipe(Effect.provide(TestLayer)))
})

/** Values that a CSV writer must quote or neutralise. */
const awkward: ReadonlyArray<AuditEntryInput> = [
  {
    projectId: "-2",
    taskId: "+1",
    agent: "=HYPERLINK(\"http://evil.example\",\"click\")",
    action: "a,b \"quoted\"\r\nsecond line",
    category: "file",
    details: { note: "=1+1", text: "line1\nline2, \"q\"", n: -5 },
    userId: "@me",
    ipAddress: "\t10.0.0.1",
    timestamp: minute(1)
  },
  { action: "\rcarriage", category: "user", details: ["x", 1], timestamp: minute(2) },
  { action: "plain", category: "state", details: "=cmd|' /C calc'!A0", timestamp: minute(3) },
  { action: "number-ish", category: "agent", details: -7, agent: "", timestamp: minute(4) }
]

const neutralised = (value: string | null) =>
  value === null ? "" : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value

describe("AuditLog.export", () => {
  it.effect("json is the query result as one array", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany([...fixture, ...awkward])
      const json = yield* audit.export({}, "json")
      expect(JSON.parse(json)).toEqual(yield* audit.query())
      const filtered = yield* audit.export({ category: "file", projectId: "p1", limit: 5 }, "json")
      expect(JSON.parse(filtered)).toEqual(yield* audit.query({ category: "file", projectId: "p1", limit: 5 }))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("csv has a header and every column, parses back with formulas neutralised and details as JSON", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany(awkward)
      const csv = yield* audit.export({}, "csv")
      const [header, ...rows] = parseCsv(csv)
      expect(header).toEqual([
        "id",
        "timestamp",
        "project_id",
        "task_id",
        "agent",
        "action",
        "category",
        "details",
        "user_id",
        "ip_address"
      ])
      const entries = yield* audit.query()
      expect(rows).toHaveLength(entries.length)
      rows.forEach((row, i) => {
        const entry = entries[i]!
        expect(row).toEqual([
          String(entry.id),
          entry.timestamp,
          neutralised(entry.projectId),
          neutralised(entry.taskId),
          neutralised(entry.agent),
          neutralised(entry.action),
          entry.category,
          neutralised(entry.details === null ? null : JSON.stringify(entry.details)),
          neutralised(entry.userId),
          neutralised(entry.ipAddress)
        ])
        // No cell a spreadsheet would run as a formula.
        for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
      })
      const first = rows.find((row) => row[5]!.startsWith("a,b"))!
      expect(first[5]).toBe("a,b \"quoted\"\r\nsecond line")
      expect(JSON.parse(first[7]!)).toEqual({ note: "=1+1", text: "line1\nline2, \"q\"", n: -5 })
      expect(first[4]).toBe("'=HYPERLINK(\"http://evil.example\",\"click\")")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an empty export is [] or the header alone", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      expect(JSON.parse(yield* audit.export({}, "json"))).toEqual([])
      expect(parseCsv(yield* audit.export({}, "csv"))).toHaveLength(1)
      expect(yield* collect(audit.exportStream({}, "jsonl"))).toBe("")
    }).pipe(Effect.provide(TestLayer)))
})

describe("AuditLog.exportStream", () => {
  it.effect("pages through thousands of tied timestamps in the query's order, in every format", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const count = EXPORT_PAGE_SIZE * 3 + 123
      yield* audit.logMany(Array.from({ length: count }, (_, i) => ({
        projectId: i % 4 === 0 ? "p1" : "p2",
        action: `a${i}`,
        category: "state" as const,
        // Long runs of equal timestamps straddle page boundaries.
        timestamp: minute(Math.floor(i / 700))
      })))
      const options: ReadonlyArray<AuditQuery> = [{}, { projectId: "p2" }, { offset: 950, limit: 1234 }, { projectId: "p2", offset: 999 }]
      for (const q of options) {
        const expected = (yield* audit.query(q)).map((e) => e.id)
        const jsonl = yield* collect(audit.exportStream(q, "jsonl"))
        const lines = jsonl.split("\n")
        expect(lines.pop()).toBe("")
        expect(lines.map((line) => decodeEntry(JSON.parse(line)).id)).toEqual(expected)
        const json = yield* collect(audit.exportStream(q, "json"))
        expect(decodeEntries(JSON.parse(json)).map((e) => e.id)).toEqual(expected)
        const csv = parseCsv(yield* collect(audit.exportStream(q, "csv")))
        expect(csv.slice(1).map((row) => Number(row[0]))).toEqual(expected)
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("emits the document in pieces of whole rows, about PIECE_SIZE each", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.logMany(Array.from({ length: EXPORT_PAGE_SIZE * 2 + 1 }, (_, i) => ({
        action: `a${i}`,
        category: "user" as const,
        details: { text: "x".repeat(100 + (i % 50)) }
      })))
      const pieces = Chunk.toReadonlyArray(yield* Stream.runCollect(audit.exportStream({}, "csv")))
      expect(pieces.join("")).toBe(yield* audit.export({}, "csv"))
      expect(pieces.length).toBeGreaterThan(5)
      for (const piece of pieces) {
        expect(piece.length).toBeLessThan(PIECE_SIZE + 1000)
        expect(piece.endsWith("\r\n")).toBe(true)
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid options fail the stream with a ValidationError", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      validationFailure(yield* Effect.exit(collect(audit.exportStream({ until: "soon" }, "csv"))))
    }).pipe(Effect.provide(TestLayer)))
})

describe("AuditLog.record", () => {
  it.effect("returns at once and the entry is durable after a flush", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const writeBehind = yield* WriteBehind
      yield* TestClock.setTime(Date.UTC(2025, 1, 1))
      yield* audit.record({ action: "recorded", category: "agent", agent: "builder", details: { step: 1 } })
      yield* audit.record({ action: "recorded-too", category: "agent", timestamp: minute(0) })
      yield* writeBehind.flush
      const entries = yield* audit.query()
      expect(entries.map((e) => [e.action, e.timestamp, e.details])).toEqual([
        ["recorded", "2025-02-01T00:00:00.000Z", { step: 1 }],
        ["recorded-too", minute(0), null]
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("never fails: an invalid entry is dropped with a structured warning", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const writeBehind = yield* WriteBehind
      const warnings: Array<{ message: unknown; annotations: Record<string, unknown> }> = []
      const logger = Logger.make(({ annotations, logLevel, message }) => {
        if (logLevel._tag === "Warning") {
          warnings.push({ message, annotations: Object.fromEntries(annotations) })
        }
      })
      const entry: unknown = { action: "x", category: "billing" }
      // @ts-expect-error: the category is not an AuditCategory
      yield* audit.record(entry).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      yield* writeBehind.flush
      expect(yield* countEntries).toBe(0)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.annotations).toMatchObject({ operation: "AuditLog.record", reason: "ValidationError" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a refused record's warning is logged and traced as its caller would have: annotations, log spans, span, minimum level", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      const writeBehind = yield* WriteBehind
      const warnings: Array<{ annotations: Record<string, unknown>; spans: Array<string>; parents: Array<string> }> = []
      const names = (span: Option.Option<Tracer.AnySpan>): Array<string> =>
        Option.match(span, {
          onNone: () => [],
          onSome: (parent) => parent._tag === "Span" ? [parent.name, ...names(parent.parent)] : ["external"]
        })
      const logger = Logger.make(({ annotations, context, logLevel, spans }) => {
        if (logLevel._tag !== "Warning") return
        const parent = Context.getOption(FiberRefs.getOrDefault(context, FiberRef.currentContext), Tracer.ParentSpan)
        warnings.push({
          annotations: Object.fromEntries(annotations),
          spans: List.toArray(spans).map((span) => span.label),
          parents: names(parent)
        })
      })
      const invalid: unknown = { action: "x", category: "billing" }
      const record = (tag: string) =>
        // @ts-expect-error: the category is not an AuditCategory
        audit.record({ ...invalid, action: tag }).pipe(
          Effect.annotateLogs({ request: tag }),
          Effect.withLogSpan("handler"),
          Effect.withSpan("caller")
        )
      yield* record("r-1").pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      // A caller that logs errors only: its refused record's warning is not logged.
      yield* record("r-2").pipe(Logger.withMinimumLogLevel(LogLevel.Error), Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      yield* writeBehind.flush
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.annotations).toMatchObject({ request: "r-1", operation: "AuditLog.record", reason: "ValidationError" })
      expect(warnings[0]!.spans).toEqual(["handler"])
      // The warning's own span (the operation) sits under the caller's span.
      expect(warnings[0]!.parents).toEqual(["AuditLog.record", "caller"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the sink writes a replayed batch once", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const value = {
        timestamp: minute(0),
        projectId: "p1",
        taskId: null,
        agent: null,
        action: "replayed",
        category: "state" as const,
        details: "{\"k\":1}",
        userId: null,
        ipAddress: null
      }
      const batch = [{ key: "k-1", value }, { key: "k-2", value: { ...value, action: "second" } }]
      yield* sql.withTransaction(AuditSink.write(batch))
      yield* sql.withTransaction(AuditSink.write([...batch, { key: "k-3", value: { ...value, action: "third" } }]))
      expect(yield* countEntries).toBe(3)
    }).pipe(Effect.provide(TestLayer)))
})
})
