/**
 * The compare-and-sets of the StateStore on a database shared by several
 * processes: two real processes of 10 fibers each race `transition(...,
 * { expected })` and the stale-copy check of `save` over the same task, on
 * a SQLite file and, when `LOGBOOK_TEST_PG_URL` names a server, on
 * PostgreSQL (serializable transactions, a racing writer's retried whole).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as path from "node:path"
import { coreLayer } from "../../src/Core.js"
import { type PersistedState, StateStore } from "../../src/StateStore.js"
import { freshPostgresUrl, postgresTestUrl } from "../support/Postgres.js"
import { spawnScript, tempDir } from "./Child.js"

const storeOn = (database: string) =>
  StateStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: database })))

/** A fresh, migrated database of each kind, by URL. */
const targets: ReadonlyArray<readonly [name: string, database: Effect.Effect<string, never, Scope.Scope>]> = [
  ["a SQLite file", Effect.map(tempDir, (dir) => path.join(dir, "race.db"))],
  ...(postgresTestUrl === undefined ? [] : [["PostgreSQL", freshPostgresUrl] as const])
]

const PROCESSES = ["a", "b"]
const FIBERS = 10
const STEPS = 12

const Outcome = Schema.Struct({
  won: Schema.Array(Schema.Tuple(Schema.Number, Schema.String)),
  stale: Schema.Number
})
const Result = Schema.parseJson(Schema.Struct({ transition: Outcome, save: Outcome }))

const created = (taskId: string) =>
  Effect.flatMap(StateStore, (store) => store.save({ taskId, projectId: "p", state: "s0", context: {}, history: [] }))

/**
 * What the race over the task `mode` left: each step won exactly once, the
 * history the winners' transitions in order, races lost in each process.
 */
const checkRace = (
  mode: "transition" | "save",
  outcomes: ReadonlyArray<typeof Outcome.Type>,
  loaded: PersistedState
) => {
  const won = outcomes.flatMap((outcome) => outcome.won)
  // Each step won exactly once: none by two racers, none by no one.
  expect(won.map(([step]) => step).sort((x, y) => x - y)).toEqual(Array.from({ length: STEPS }, (_, i) => i))
  // Which process wins how many steps is up to the scheduler: one may win them all, and a process started late
  // may find every step taken. A `transition` racer always tries its step with `expected`, so each process has
  // moves refused; a `save` racer loads first and stops when the task is done, so only the races as a whole must
  // have refused stale copies.
  if (mode === "transition") for (const outcome of outcomes) expect(outcome.stale).toBeGreaterThan(0)
  else expect(outcomes.reduce((sum, outcome) => sum + outcome.stale, 0)).toBeGreaterThan(0)
  const winners = new Map(won)
  expect(loaded.state).toBe(`s${STEPS}`)
  expect(loaded.history.map((t) => [t.from, t.to, t.event])).toEqual(
    Array.from({ length: STEPS }, (_, i) => [`s${i}`, `s${i + 1}`, winners.get(i)])
  )
  // Every winner is one of the racers.
  for (const [, by] of won) expect(PROCESSES.some((name) => by.startsWith(`${name}-`))).toBe(true)
  if (mode === "save") {
    // The context is the last winner's: no stale save replaced it afterwards.
    expect(loaded.context).toEqual({ by: winners.get(STEPS - 1), checkpoints: [] })
  }
}

describe("StateStore compare-and-set across processes", () => {
  for (const [name, database] of targets) {
    it.scopedLive(
      `on ${name}: of 2 processes × ${FIBERS} fibers racing transition with expected, and as many saving loaded copies, exactly one wins each state`,
      () =>
        Effect.gen(function*() {
          const url = yield* database
          yield* Effect.zipRight(created("transition"), created("save")).pipe(Effect.provide(storeOn(url)))
          const workers = yield* Effect.forEach(PROCESSES, (name, i) =>
            spawnScript("racers.ts", [url, name, String(STEPS), String(FIBERS), String(i * FIBERS)]))
          yield* Effect.forEach(workers, (worker) => worker.waitForLine((line) => line === "ready"))
          for (const worker of workers) worker.process.stdin.end("go\n")
          const results = yield* Effect.forEach(workers, (worker) =>
            Effect.gen(function*() {
              const ended = yield* worker.ended
              expect(ended.stderr).toBe("")
              expect({ code: ended.code, output: ended.code === 0 ? "" : worker.lines.join("\n") }).toEqual({ code: 0, output: "" })
              return yield* Schema.decodeUnknown(Result)(worker.lines.find((line) => line.startsWith("{")))
            }))
          const [transition, save] = yield* Effect.flatMap(StateStore, (store) =>
            Effect.forEach(["transition", "save"], (taskId) => Effect.map(store.load(taskId), Option.getOrThrow))).pipe(
              Effect.provide(storeOn(url))
            )
          checkRace("transition", results.map((result) => result.transition), transition!)
          checkRace("save", results.map((result) => result.save), save!)
        }),
      { timeout: 180_000 }
    )
  }
})
