import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Redactor } from "../../src/redaction/Redactor.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { prepareTrajectory, TrajectoryRecord } from "../../src/trajectory/TrajectoryRecord.js"
import { TrajectorySink } from "../../src/trajectory/TrajectorySink.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { countRows, fixtureText, ftsIntegrity, grown, tiny, variant } from "./support.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("TrajectoryStore.record", ({ core }) => {
const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const prepare = (trajectory: unknown, options?: Parameters<typeof prepareTrajectory>[1]) =>
  Effect.flatMap(Redactor, (redactor) => prepareTrajectory(trajectory, options, redactor))

const writeBatch = (batch: ReadonlyArray<{ key: string; value: TrajectoryRecord }>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(TrajectorySink.write(batch))).pipe(Effect.orDie)

describe("TrajectorySink", () => {
  it.effect("its values survive the spool encoding unchanged (embedding included)", () =>
    Effect.gen(function*() {
      const value = yield* prepare(variant("spooled"), { taskId: "t", score: 1.5, embedding: [0.25, -1, 3] })
      const line = JSON.parse(JSON.stringify(Schema.encodeSync(TrajectorySink.schema)(value)))
      const back = Schema.decodeUnknownSync(TrajectorySink.schema)(line)
      expect({ ...back, embedding: Array.from(back.embedding ?? []) }).toEqual({
        ...value,
        embedding: Array.from(value.embedding ?? [])
      })
      // a value read back from the spool (a plain Uint8Array embedding) is written like a fresh one
      expect(back.embedding).not.toBeInstanceOf(Buffer)
      yield* writeBatch([{ key: "spooled-1", value: back }])
      const store = yield* TrajectoryStore
      expect(Option.getOrThrow(yield* store.get("spooled"))).toMatchObject({ taskId: "t", score: 1.5, hasEmbedding: true })
      expect((yield* store.similar([0.25, -1, 3], { k: 1 }))[0]).toMatchObject({ sessionId: "spooled" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a replayed batch is written exactly once, and a session recorded twice ends with the later record", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const a = yield* prepare(grown("same", "first version"))
      const b = yield* prepare(grown("same", "second version"))
      const other = yield* prepare(tiny("other", "unrelated"))
      const batch = [{ key: "k-a", value: a }, { key: "k-other", value: other }, { key: "k-b", value: b }]
      yield* writeBatch(batch)
      const afterFirst = Option.getOrThrow(yield* store.get("same"))
      expect(afterFirst.trajectory.steps[1]!.message).toBe("second version")
      // the whole spool is replayed after a crash, then parts of it again
      yield* writeBatch(batch)
      yield* writeBatch([batch[0]!])
      yield* writeBatch(batch.slice(1))
      expect(yield* countRows("trajectories")).toBe(2)
      expect(Option.getOrThrow(yield* store.get("same")).trajectory.steps[1]!.message).toBe("second version")
      expect((yield* store.search({ query: "first" })).length).toBe(0)
      expect((yield* store.search({ query: "second" })).map((h) => h.sessionId)).toEqual(["same"])
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))
})

describe("TrajectoryStore.record", () => {
  it.effect("returns at once and the trajectory is stored once flushed", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const writeBehind = yield* WriteBehind
      const input = JSON.parse(fixtureText)
      yield* store.record(input, { taskId: "recorded", score: 3 })
      yield* store.record(tiny("second"))
      yield* writeBehind.flush
      const stored = Option.getOrThrow(yield* store.get(input.session_id))
      expect(JSON.stringify(stored.trajectory)).toBe(JSON.stringify(input))
      expect(stored).toMatchObject({ taskId: "recorded", score: 3 })
      expect(yield* countRows("trajectories")).toBe(2)
      yield* ftsIntegrity
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an invalid trajectory never fails the caller: it is logged as a warning and dropped", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const writeBehind = yield* WriteBehind
      const messages: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ annotations, logLevel, message }) => {
          messages.push(`${logLevel.label} ${JSON.stringify(message)} ${JSON.stringify(Object.fromEntries(annotations))}`)
        })
      )
      const invalid = JSON.parse(fixtureText)
      invalid.steps[1].step_id = 7
      yield* store.record(invalid).pipe(Effect.provide(capture))
      yield* store.record(JSON.parse("null")).pipe(Effect.provide(capture))
      yield* writeBehind.flush
      expect(yield* countRows("trajectories")).toBe(0)
      expect(messages.length).toBe(2)
      expect(messages[0]).toContain("WARN")
      expect(messages[0]).toContain("TrajectoryStore.record: record dropped")
    }).pipe(Effect.provide(TestLayer)))
})
})
