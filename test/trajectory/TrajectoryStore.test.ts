import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Clock from "effect/Clock"
import * as Option from "effect/Option"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { expectFailure } from "../records/support.js"
import {
  bigTrajectory,
  countRows,
  fixture,
  fixtureText,
  ftsIntegrity,
  ftsMatches,
  storedData,
  tiny,
  variant
} from "./support.js"
import { nextMillisecond } from "../support/Poll.js"
import { describeBackends } from "../support/Backends.js"
import { anthropicKey } from "../support/Secrets.js"

describeBackends("TrajectoryStore", ({ core }) => {
const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))


const getOrFail = (sessionId: string) =>
  Effect.flatMap(TrajectoryStore, (store) => store.get(sessionId)).pipe(
    Effect.map(Option.getOrThrowWith(() => new Error(`${sessionId} not stored`)))
  )

describe("TrajectoryStore.save / get", () => {
  it.effect("the ATIF fixture round-trips byte for byte, with its summary indexed", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const input = fixture()
      const stored = yield* getOrFail(yield* store.save(input))
      expect(JSON.stringify(stored.trajectory)).toBe(JSON.stringify(input))
      expect(JSON.stringify(stored.trajectory)).toBe(JSON.stringify(JSON.parse(fixtureText)))
      expect(stored).toMatchObject({
        sessionId: "0b6e2f9a-5c1d-4f3e-9a7b-2d8c1e4f6a01",
        schemaVersion: "ATIF-v1.4",
        agentName: "terminus",
        agentVersion: "2.1.0",
        modelName: "claude-sonnet-4-5",
        taskId: null,
        stepCount: 5,
        firstStepAt: "2026-11-20T09:15:02.120Z",
        lastStepAt: "2026-11-20T09:15:12.330Z",
        totalPromptTokens: 4050,
        totalCompletionTokens: 239,
        totalCostUsd: 0.016,
        score: null,
        hasEmbedding: false
      })
      expect(stored.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(Option.isNone(yield* store.get("no-such-session"))).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("every test gets a fresh database", () =>
    Effect.gen(function*() {
      expect(yield* countRows("trajectories")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("unknown fields at every level and key order are kept", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const input = JSON.parse(
        `{"zz_first":1,"schema_version":"ATIF-v1.7","session_id":"s-unknown","agent":{"version":"1","name":"a","extra":{"b":1,"a":[1,{"y":2,"x":1}]},"mystery":true},` +
          `"steps":[{"source":"user","step_id":1,"message":"hi","custom":{"deep":{"deeper":[null,1.5,-0,"\\u2028"]}}},` +
          `{"step_id":2,"source":"agent","message":[{"type":"text","text":"parts","kind":"extra"}],"llm_call_count":1}],` +
          `"extra":{"__proto__":{"polluted":true},"10":"ten","2":"two"},"trailing":"last"}`
      )
      yield* store.save(input)
      const stored = yield* getOrFail("s-unknown")
      expect(JSON.stringify(stored.trajectory)).toBe(JSON.stringify(input))
      expect(Object.keys(stored.trajectory)).toEqual(Object.keys(input))
      expect(JSON.stringify(stored.trajectory)).toContain(`"__proto__":{"polluted":true}`)
      expect(Object.getPrototypeOf(stored.trajectory.extra)).toBe(Object.prototype)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a 10 MB trajectory round-trips and is searchable", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const input = bigTrajectory("s-big", 10 * 1024 * 1024)
      const text = JSON.stringify(input)
      expect(text.length).toBeGreaterThan(10 * 1024 * 1024)
      const started = performance.now()
      yield* store.save(input)
      const saved = performance.now()
      const stored = yield* getOrFail("s-big")
      const read = performance.now()
      console.log(
        `10 MB trajectory (${(text.length / 1048576).toFixed(1)} MiB, ${input.steps.length} steps): ` +
          `save ${(saved - started).toFixed(0)} ms, get ${(read - saved).toFixed(0)} ms`
      )
      expect(JSON.stringify(stored.trajectory)).toBe(text)
      expect(yield* storedData("s-big")).toBe(text)
      expect(stored.stepCount).toBe(input.steps.length)
      const hits = yield* store.search({ query: "running the checks" })
      expect(hits.map((h) => h.sessionId)).toEqual(["s-big"])
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a step number gap is rejected with a message naming the step and field; nothing is stored", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const input = JSON.parse(fixtureText)
      input.steps[2].step_id = 4
      input.steps[3].step_id = 5
      input.steps[4].step_id = 6
      const error = yield* expectFailure(store.save(input), "ValidationError")
      expect(error.message).toContain("steps[2].step_id")
      expect(error.message).toContain("expected 3")
      expect(error.issues).toContainEqual({
        path: "steps[2].step_id",
        message: "expected 3 (steps are numbered from 1 without gaps), got 4"
      })
      expect(yield* countRows("trajectories")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an observation pointing at an unknown tool call is rejected, naming the call id and the step", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const input = JSON.parse(fixtureText)
      input.steps[3].observation.results[1].source_call_id = "call_99"
      const error = yield* expectFailure(store.save(input), "ValidationError")
      expect(error.message).toContain("steps[3].observation.results[1].source_call_id")
      expect(error.message).toContain(`"call_99" matches no tool call of step 4`)
      expect(error.issues.map((i) => i.path)).toEqual(["steps[3].observation.results[1].source_call_id"])
      expect(yield* countRows("trajectories")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("structural errors and bad options are ValidationErrors too", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const notATrajectory = JSON.parse(`{"schema_version":"ATIF-v9","steps":"no"}`)
      const error = yield* expectFailure(store.save(notATrajectory), "ValidationError")
      expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["schema_version", "session_id", "steps"]))
      const badOptions = yield* expectFailure(store.save(fixture(), { score: Number.NaN, embedding: [1, Number.POSITIVE_INFINITY] }), "ValidationError")
      expect(badOptions.issues.map((i) => i.path)).toEqual(["score", "embedding[1]"])
      expect(yield* countRows("trajectories")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("secrets are redacted before the table and the full-text index", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const secret = anthropicKey()
      const input = JSON.parse(fixtureText)
      input.steps[2].tool_calls[0].arguments = { command: "deploy", api_key: "hunter2-plain-value" }
      input.steps[2].observation.results[0].content = `export ANTHROPIC_API_KEY=${secret}`
      input.steps[1].message = `use ${secret} please`
      yield* store.save(input)
      const data = yield* storedData(input.session_id)
      expect(data).not.toContain(secret)
      expect(data).not.toContain("hunter2")
      expect(data).toContain("[REDACTED:")
      expect(yield* store.search({ query: "hunter2" })).toEqual([])
      expect(yield* store.search({ query: secret.slice(13, 40) })).toEqual([])
      expect(yield* ftsMatches(`"hunter2"`)).toBe(0)
      expect(yield* ftsMatches(`"REDACTED"`)).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("saving a session again replaces it; the full-text index follows", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.save(variant("s-1", { message: "the walrus migration" }), { taskId: "task-1", score: 7 })
      const first = yield* getOrFail("s-1")
      yield* nextMillisecond
      yield* store.save(variant("s-1", { message: "the pelican migration", agent: "other" }))
      const second = yield* getOrFail("s-1")
      expect(yield* countRows("trajectories")).toBe(1)
      expect(second.agentName).toBe("other")
      expect(second.createdAt).toBe(first.createdAt)
      expect(second.updatedAt > first.updatedAt).toBe(true)
      // options absent on the second save keep the stored values
      expect(second.taskId).toBe("task-1")
      expect(second.score).toBe(7)
      expect(yield* store.search({ query: "walrus" })).toEqual([])
      expect((yield* store.search({ query: "pelican" })).map((h) => h.sessionId)).toEqual(["s-1"])
      yield* ftsIntegrity
      expect(yield* store.delete("s-1")).toBe(true)
      expect(yield* store.delete("s-1")).toBe(false)
      expect(yield* store.search({ query: "pelican" })).toEqual([])
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))
})

describe("TrajectoryStore.saveTestGen", () => {
  const testGenInput = (sessionId: string) => ({
    trajectory: variant(sessionId),
    taskId: "regex-log",
    taskDescription: "Write a regex that matches dates in log lines",
    totalTests: 3,
    totalRounds: 2,
    categoryRounds: { anti_cheat: 1, correctness: 1 },
    comprehensivenessScore: 8,
    totalTokensUsed: 12_345,
    durationMs: 4200,
    tests: [{ id: "t1", category: "correctness", input: "2024-01-01 x", expectedOutput: "2024-01-01", confidence: 0.9 }],
    reflections: [{ category: "existence", text: "missing an empty-file case" }],
    environment: { platform: "linux", prohibitedTools: ["curl"], files: ["/app/log.txt"] },
    uncertainties: ["timezone of the logs"]
  })

  it.effect("stores the trajectory and its test-generation row", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const input = testGenInput("tg-1")
      yield* store.saveTestGen(input)
      const stored = yield* getOrFail("tg-1")
      expect(stored.taskId).toBe("regex-log")
      expect(stored.score).toBe(8)
      expect(JSON.stringify(stored.trajectory)).toBe(JSON.stringify(input.trajectory))
      const details = Option.getOrThrow(yield* store.getTestGen("tg-1"))
      expect(details).toMatchObject({
        sessionId: "tg-1",
        taskId: "regex-log",
        taskDescription: input.taskDescription,
        totalTests: 3,
        totalRounds: 2,
        categoryRounds: input.categoryRounds,
        comprehensivenessScore: 8,
        totalTokensUsed: 12_345,
        durationMs: 4200,
        tests: input.tests,
        reflections: input.reflections,
        environment: input.environment,
        uncertainties: input.uncertainties
      })
      expect((yield* store.list({ taskId: "regex-log", minScore: 8 })).map((t) => t.sessionId)).toEqual(["tg-1"])
      // saved again: both rows replaced, still one of each
      yield* store.saveTestGen({ ...input, totalTests: 5, comprehensivenessScore: 9 })
      expect(yield* countRows("testgen_trajectories")).toBe(1)
      expect(Option.getOrThrow(yield* store.getTestGen("tg-1")).totalTests).toBe(5)
      expect((yield* getOrFail("tg-1")).score).toBe(9)
      // deleting the trajectory deletes its test-generation row
      yield* store.delete("tg-1")
      expect(yield* countRows("testgen_trajectories")).toBe(0)
      expect(Option.isNone(yield* store.getTestGen("tg-1"))).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a failing second insert leaves neither row (one transaction)", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const sql = yield* SqlClient.SqlClient
      yield* sql.onDialectOrElse({
        pg: () => sql`ALTER TABLE testgen_trajectories ADD CONSTRAINT "refused by the test" CHECK (false)`,
        orElse: () =>
          sql`CREATE TRIGGER testgen_refuses BEFORE INSERT ON testgen_trajectories
            BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`
      })
      const error = yield* expectFailure(store.saveTestGen(testGenInput("tg-atomic")), "DatabaseError")
      expect(error.operation).toBe("TrajectoryStore.saveTestGen")
      expect(error.reason).toBe("Constraint")
      expect(error.message).toContain("refused by the test")
      expect(yield* countRows("trajectories")).toBe(0)
      expect(yield* countRows("testgen_trajectories")).toBe(0)
      expect(Option.isNone(yield* store.get("tg-atomic"))).toBe(true)
      expect(yield* store.search({ query: "hyphen" })).toEqual([])
      yield* ftsIntegrity
      // the same input goes through once the obstacle is gone
      yield* sql.onDialectOrElse({
        pg: () => sql`ALTER TABLE testgen_trajectories DROP CONSTRAINT "refused by the test"`,
        orElse: () => sql`DROP TRIGGER testgen_refuses`
      })
      yield* store.saveTestGen(testGenInput("tg-atomic"))
      expect(yield* countRows("trajectories")).toBe(1)
      expect(yield* countRows("testgen_trajectories")).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid test-generation fields or trajectory are ValidationErrors with paths", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const bad = yield* expectFailure(store.saveTestGen({ ...testGenInput("tg-bad"), totalTests: -1, tests: [Number.NaN] }), "ValidationError")
      expect(bad.issues.map((i) => i.path)).toContain("totalTests")
      const trajectory = JSON.parse(fixtureText)
      trajectory.steps[0].step_id = 0
      const badTrajectory = yield* expectFailure(store.saveTestGen({ ...testGenInput("tg-bad"), trajectory }), "ValidationError")
      expect(badTrajectory.issues.map((i) => i.path)).toContain("trajectory.steps[0].step_id")
      expect(yield* countRows("trajectories")).toBe(0)
    }).pipe(Effect.provide(TestLayer)))
})

describe("TrajectoryStore.list", () => {
  it.effect("filters by agent, model, task, time and score; pages newest first", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.save(variant("a", { agent: "alpha", model: "m1" }), { taskId: "t1", score: 0.2 })
      yield* nextMillisecond
      yield* store.save(variant("b", { agent: "alpha", model: "m2" }), { taskId: "t2", score: 0.9 })
      yield* nextMillisecond
      const middle = new Date(yield* Clock.currentTimeMillis)
      yield* nextMillisecond
      yield* store.save(variant("c", { agent: "beta", model: "m1" }), { taskId: "t1" })
      const ids = (filter?: Parameters<typeof store.list>[0]) =>
        store.list(filter).pipe(Effect.map((rows) => rows.map((r) => r.sessionId)))
      expect(yield* ids()).toEqual(["c", "b", "a"])
      expect(yield* ids({ agentName: "alpha" })).toEqual(["b", "a"])
      expect(yield* ids({ modelName: "m1" })).toEqual(["c", "a"])
      expect(yield* ids({ taskId: "t1" })).toEqual(["c", "a"])
      expect(yield* ids({ minScore: 0.5 })).toEqual(["b"])
      expect(yield* ids({ minScore: 0 })).toEqual(["b", "a"])
      expect(yield* ids({ since: middle })).toEqual(["c"])
      expect(yield* ids({ until: middle.toISOString() })).toEqual(["b", "a"])
      expect(yield* ids({ agentName: "alpha", modelName: "m1", taskId: "t1" })).toEqual(["a"])
      expect(yield* ids({ limit: 1, offset: 1 })).toEqual(["b"])
      expect(yield* ids({ agentName: "' OR 1=1 --" })).toEqual([])
      const invalid = yield* expectFailure(store.list({ since: "not a date" }), "ValidationError")
      expect(invalid.issues[0]?.path).toBe("since")
      yield* expectFailure(store.list({ limit: 0 }), "ValidationError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("list filters use indexes", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const select = (where: string) => `SELECT * FROM trajectories t WHERE ${where} ORDER BY t.created_at DESC`
      // PostgreSQL plans a scan of a small table; with scans priced out, the plan shows the index it can use.
      const plan = (where: string) =>
        sql.onDialectOrElse({
          pg: () =>
            sql.withTransaction(
              sql`SET LOCAL enable_seqscan = off`.pipe(Effect.zipRight(sql.unsafe(`EXPLAIN ${select(where)}`)))
            ),
          orElse: () => sql.unsafe(`EXPLAIN QUERY PLAN ${select(where)}`)
        }).pipe(Effect.map((rows) => JSON.stringify(rows)))
      expect(yield* plan("t.agent_name = 'x'")).toContain("idx_trajectories_agent")
      expect(yield* plan("t.model_name = 'x'")).toContain("idx_trajectories_model")
      expect(yield* plan("t.task_id = 'x'")).toContain("idx_trajectories_task")
      expect(yield* plan("t.created_at >= '2026-01-01T00:00:00.000Z'")).toContain("idx_trajectories_created")
    }).pipe(Effect.provide(TestLayer)))
})

describe("TrajectoryStore.search", () => {
  it.effect("finds by words of messages, reasoning and observations, by prefix, best first, with snippets", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.save(fixture())
      yield* store.save(tiny("t-1", "the hyphen hyphen hyphen story"))
      yield* store.save(tiny("t-2", "nothing relevant"))
      const byReasoning = yield* store.search({ query: "regex like" })
      expect(byReasoning.map((h) => h.sessionId)).toEqual(["0b6e2f9a-5c1d-4f3e-9a7b-2d8c1e4f6a01"])
      const byObservation = yield* store.search({ query: "AssertionError KEY_RE" })
      expect(byObservation.map((h) => h.sessionId)).toEqual(["0b6e2f9a-5c1d-4f3e-9a7b-2d8c1e4f6a01"])
      expect(byObservation[0]!.snippet).toContain("[AssertionError]")
      const byPrefix = yield* store.search({ query: "hyph" })
      expect(byPrefix.map((h) => h.sessionId)).toEqual(["t-1", "0b6e2f9a-5c1d-4f3e-9a7b-2d8c1e4f6a01"])
      expect(byPrefix[0]!.rank).toBeLessThan(byPrefix[1]!.rank)
      expect(byPrefix[0]).toMatchObject({ agentName: "tiny", stepCount: 2 })
      expect((yield* store.search({ query: "hyph", limit: 1 })).length).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("any text is safe: FTS5 syntax in the query is plain words, never an error", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.save(fixture())
      const hostile = [
        "", "   ", "\"", "'", "a'b", "\"unbalanced", "multi-agent", "search_text:regex", "NOT regex", "regex AND",
        "OR", "NEAR(", "NEAR(regex loader)", "*", "regex*", "^regex", "(regex", "{search_text}: x", "-", "+",
        "😀", "\u0000", "'; DROP TABLE trajectories; --", "\\", "%_", "x".repeat(5000)
      ]
      for (const text of hostile) {
        yield* store.search({ query: text })
      }
      expect((yield* store.search({ query: "multi-agent" })).length).toBe(1)
      expect((yield* store.search({ query: "NOT regex" })).length).toBe(0) // "not" is a word that does not occur
      expect((yield* store.search({ query: "" })).map((hit) => hit.rank)).toEqual([0])
      expect(yield* countRows("trajectories")).toBe(1)
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))
})

describe("TrajectoryStore.search takes the shape of LessonsStore.search", () => {
  it.effect("{ query, ...list filters, limit, offset }; a malformed page is a ValidationError", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.save(tiny("a-1", "the pelican story"), { taskId: "task-a" })
      yield* store.save(tiny("b-1", "another pelican story"), { taskId: "task-b" })
      expect((yield* store.search({ query: "pelican", taskId: "task-b" })).map((h) => h.sessionId)).toEqual(["b-1"])
      expect((yield* store.search({ query: "pelican", agentName: "nobody" }))).toEqual([])
      const all = yield* store.search({ query: "pelican" })
      expect(all).toHaveLength(2)
      expect((yield* store.search({ query: "pelican", limit: 1, offset: 1 })).map((h) => h.sessionId)).toEqual([all[1]!.sessionId])
      for (const page of [{ limit: -5 }, { limit: Number.NaN }, { offset: -1 }, { limit: 0 }]) {
        const error = yield* Effect.flip(store.search({ query: "pelican", ...page }))
        expect(error._tag).toBe("ValidationError")
      }
    }).pipe(Effect.provide(TestLayer)))
})
})
