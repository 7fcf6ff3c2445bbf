/**
 * The hot reads (audit pages, recent traces, a trace's invocations, a task's
 * current state) read rows in their common shape in plain code and leave
 * every other row to the row schema: what they return is what the schema
 * returns for the same rows, and a stored row the schema refuses is still a
 * `DatabaseError` (reason `Query`).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { AuditLog } from "../../src/AuditLog.js"
import { AuditEntryFromRow } from "../../src/audit/AuditRow.js"
import { selectEntries } from "../../src/audit/Queries.js"
import type { Core } from "../../src/Core.js"
import { DatabaseError, type MigrationError } from "../../src/Errors.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { StateStore } from "../../src/StateStore.js"
import { InvocationRow } from "../../src/tracker/AgentInvocation.js"
import { TraceRow } from "../../src/tracker/ExecutionTrace.js"
import * as TrackerQueries from "../../src/tracker/Queries.js"
import { describeBackends, sqliteFileBackend, sqliteMemoryBackend } from "../support/Backends.js"
import { failureOf } from "../support/Effects.js"

const stores = (core: Layer.Layer<Core, DatabaseError | MigrationError>) =>
  Layer.mergeAll(
    AuditLog.DefaultWithoutDependencies,
    ExecutionTracker.DefaultWithoutDependencies,
    StateStore.DefaultWithoutDependencies
  ).pipe(Layer.provideMerge(core))

const queryFailure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    const error = failureOf(exit)
    if (!(error instanceof DatabaseError)) throw new Error(`expected a DatabaseError, got ${String(error)}`)
    expect(error.reason).toBe("Query")
    expect(error.message).toContain("a stored row does not match its schema")
  })

describeBackends("Hot reads decode as their row schemas", ({ core }) => {
  it.effect("audit entries, traces and invocations in every shape come out as the schema decodes the same rows", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const audit = yield* AuditLog
      yield* audit.logMany([
        { action: "a", category: "file" },
        { action: "b", category: "agent", projectId: "p", taskId: "t", agent: "g", userId: "u", ipAddress: "10.0.0.1" },
        { action: "c", category: "state", details: { nested: [1, 2.5, null, { deep: "x" }], text: "é\n\"q\"" } },
        { action: "d", category: "security", details: "just a string" },
        { action: "e", category: "user", details: 0 },
        { action: "f", category: "user", details: [] },
        { action: "g", category: "user", details: false }
      ])
      const viaSchema = Schema.decodeUnknownSync(Schema.Array(AuditEntryFromRow))(yield* selectEntries(sql, {}))
      expect(yield* audit.query()).toEqual(viaSchema)

      const tracker = yield* ExecutionTracker
      const running = yield* tracker.startTrace({ projectId: "p", taskId: "t1", prompt: "" })
      const done = yield* tracker.startTrace({ projectId: "p", taskId: "t2", prompt: "go", agentId: "lead", metadata: { k: [1] } })
      yield* tracker.completeTrace(done.id, {
        success: true,
        tokenUsage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
        metadata: { more: { a: null } }
      })
      const failed = yield* tracker.startTrace({ projectId: "p", taskId: "t3", prompt: "no" })
      yield* tracker.completeTrace(failed.id, { success: false, error: "boom" })
      const cancelled = yield* tracker.startTrace({ projectId: "p", taskId: "t4", prompt: "stop" })
      yield* tracker.cancelTrace(cancelled.id, "enough")
      yield* tracker.recordInvocation({ traceId: running.id, agent: "a" })
      yield* tracker.recordInvocation({
        traceId: running.id,
        agent: "b",
        taskFragment: "part",
        completedAt: "2030-01-02T03:04:05.678Z",
        outcome: "partial",
        qualityScore: 0.25,
        tokenUsage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        outputSummary: "sum",
        error: "err"
      })
      const traces = Schema.decodeUnknownSync(Schema.Array(TraceRow))(yield* TrackerQueries.recentTraces(sql, "p", 50, 0))
      expect(traces).toHaveLength(4)
      expect(yield* tracker.recentTraces("p", { limit: 50 })).toEqual(traces)
      const invocations = Schema.decodeUnknownSync(Schema.Array(InvocationRow))(
        yield* TrackerQueries.invocations(sql, running.id)
      )
      expect(invocations).toHaveLength(2)
      expect(yield* tracker.invocations(running.id)).toEqual(invocations)
    }).pipe(Effect.provide(stores(core))))
})

describeBackends("Hot reads leave a row the schema refuses to the schema", ({ core }) => {
  it.effect("an audit timestamp, a trace's token usage, an invocation's score and a task's context", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const audit = yield* AuditLog
      yield* audit.log({ action: "fine", category: "file" })
      yield* sql`INSERT INTO audit_logs (timestamp, action, category) VALUES (${new Uint8Array([1])}, 'odd', 'file')`
      yield* queryFailure(audit.query())

      const tracker = yield* ExecutionTracker
      const trace = yield* tracker.startTrace({ projectId: "p", taskId: "t", prompt: "" })
      yield* tracker.recordInvocation({ traceId: trace.id, agent: "a", qualityScore: 1 })
      yield* sql`UPDATE execution_traces SET token_usage = '{"inputTokens":-1,"outputTokens":0,"totalTokens":0}'`
      yield* queryFailure(tracker.recentTraces("p"))
      yield* sql`UPDATE agent_invocations SET quality_score = 'high'`
      yield* queryFailure(tracker.invocations(trace.id))

      const state = yield* StateStore
      yield* state.save({ taskId: "task", projectId: "p", state: "s", context: {}, history: [] })
      yield* sql`UPDATE workflow_states SET context = '[1]'`
      yield* queryFailure(state.current("task"))
    }).pipe(Effect.provide(stores(core))))
}, [sqliteFileBackend, sqliteMemoryBackend])
