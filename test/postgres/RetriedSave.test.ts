// A save retried on Busy re-runs only its database part: on PostgreSQL a write that meets
// another connection's committed change to the same row fails with a serialization failure
// (40001, Busy) and the whole transaction runs again; validation and redaction ran before it, once.
import * as Reactivity from "@effect/experimental/Reactivity"
import * as PgClient from "@effect/sql-pg/PgClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { Database } from "../../src/Database.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { layer as writeBehindLayer } from "../../src/writeBehind/WriteBehindLive.js"
import { countingRedactor, countingTransactions } from "../support/Counting.js"
import { eventually } from "../support/Poll.js"
import { freshPostgresUrl } from "../support/Postgres.js"
import { variant } from "../trajectory/support.js"

const Waiting = Schema.Tuple(Schema.Struct({ n: Schema.Number }))

describe("TrajectoryStore.save on PostgreSQL, retried on Busy", () => {
  it.live("runs the Redactor once, however often the database part runs", () =>
    Effect.gen(function*() {
      const url = yield* freshPostgresUrl
      const redactor = countingRedactor()
      const context = yield* Layer.build(TrajectoryStore.DefaultWithoutDependencies.pipe(
        Layer.provideMerge(Layer.mergeAll(redactor.layer, writeBehindLayer)),
        Layer.provideMerge(Database.layer({ url, busyTimeout: "20 seconds" }))
      ))
      const store = Effect.provide(TrajectoryStore, context)
      const trajectory = variant("contended")

      // The first save stores the row, and tells how many Redactor calls one save of it makes.
      const before = redactor.calls()
      const first = yield* countingTransactions(Effect.flatMap(store, (s) => s.save(trajectory)))
      const perSave = redactor.calls() - before
      expect(perSave).toBeGreaterThan(0)
      expect(first.transactions).toBe(1)

      // Another connection changes the stored row and holds its lock; our save of the same
      // trajectory reads, then waits for the row; once the other commits, our snapshot is
      // stale and PostgreSQL refuses the write (40001): the database part must run again.
      const other = yield* PgClient.make({ url: Redacted.make(url), maxConnections: 2 }).pipe(
        Effect.provide(Reactivity.layer)
      )
      const connection = yield* other.reserve
      yield* connection.executeUnprepared("BEGIN", [], undefined)
      yield* connection.executeUnprepared("UPDATE trajectories SET updated_at = updated_at WHERE id = $1", ["contended"], undefined)

      const counted = redactor.calls()
      const save = yield* Effect.fork(countingTransactions(Effect.flatMap(store, (s) => s.save(trajectory))))
      yield* eventually(Effect.flatMap(
        other`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        (rows) =>
          Effect.flatMap(Schema.decodeUnknown(Waiting)(rows), ([row]) =>
            row.n > 0 ? Effect.void : Effect.fail(new Error("the save is not waiting for the row yet")))
      ))
      yield* connection.executeUnprepared("COMMIT", [], undefined)
      const second = yield* Fiber.join(save)

      expect(second.value).toBe(first.value)
      expect(second.transactions).toBeGreaterThan(1)
      expect(redactor.calls() - counted).toBe(perSave)
      const stored = Option.getOrThrow(yield* Effect.flatMap(store, (s) => s.get("contended")))
      expect(JSON.stringify(stored.trajectory)).toBe(JSON.stringify(trajectory))
    }).pipe(Effect.scoped), { timeout: 60_000 })
})
