/**
 * One process of the multi-writer races: on `go` (stdin), `fibers` fibers of
 * this process move the task `transition` and as many the task `save` from
 * `s<i>` to `s<i+1>` until they reach `s<steps>`, each by a compare-and-set:
 * - `transition`: `StateStore.transition` with `expected: s<i>`, jumping to
 *   the stored state on `StaleState`;
 * - `save`: a copy loaded with `load`, saved back with one transition more
 *   and the context `{ by }`, reloaded on `StaleState`.
 * Prints `ready`, then one JSON line `{ transition, save }`, each
 * `{ won, stale }`: the steps won (`[step, by]`, `by` being
 * `<name>-<fiber>`) and how many races were lost.
 * `offset` numbers this process's fibers apart from the other's, so that no
 * two racers write the same transition.
 *
 * Usage: node --import tsx racers.ts <database> <name> <steps> <fibers> <offset>
 */
import { NodeRuntime } from "@effect/platform-node"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { createInterface } from "node:readline"
import { coreLayer } from "../../../src/Core.js"
import { StateStore } from "../../../src/StateStore.js"

const [database, name, stepsText, fibersText, offsetText] = process.argv.slice(2)
if (database === undefined || name === undefined) throw new Error("usage: racers <database> <name> <steps> <fibers> <offset>")
const steps = Number(stepsText)
const fibers = Number(fibersText)
const offset = Number(offsetText)

const go = Effect.async<void>((resume) => {
  const lines = createInterface({ input: process.stdin })
  lines.once("line", () => {
    lines.close()
    resume(Effect.void)
  })
})

const stepOf = (state: string) => Number(state.slice(1))

/** One fiber: the steps it won, and how many races it lost. */
const racer = (mode: "transition" | "save", by: string, ordinal: number) =>
  Effect.gen(function*() {
    const store = yield* StateStore
    const won: Array<readonly [number, string]> = []
    let stale = 0
    let current = 0
    while (current < steps) {
      const attempt = mode === "transition"
        ? store.transition(mode, { to: `s${current + 1}`, event: by, expected: `s${current}` })
        // A racer yields between its load and its save, as a step of a real workflow works between them: the
        // other fibers of the process load the same copy meanwhile, so some saves are stale in every run.
        : Effect.flatMap(Effect.zipLeft(store.load(mode), Effect.yieldNow()), (loaded) => {
          const copy = Option.getOrThrow(loaded)
          current = stepOf(copy.state)
          if (current >= steps) return Effect.void
          // A transition of its own: racers from the same copy never append the same one.
          const timestamp = new Date(Date.UTC(2025, 0, 1) + current * 1000 + ordinal).toISOString()
          return store.save({
            ...copy,
            state: `s${current + 1}`,
            context: { by, checkpoints: [] },
            history: [...copy.history, { from: copy.state, to: `s${current + 1}`, event: by, timestamp }]
          })
        })
      const exit = yield* Effect.exit(attempt)
      if (current >= steps) break
      if (Exit.isSuccess(exit)) {
        won.push([current, by])
        current++
        yield* Effect.yieldNow()
        continue
      }
      const error = yield* Effect.flip(exit)
      // Busy (the database's retries spent under this contention) is a race neither won nor lost: try the step again.
      if (error._tag === "DatabaseError" && error.reason === "Busy") continue
      if (error._tag !== "StaleState") return yield* Effect.die(error)
      stale++
      current = stepOf(error.actual)
    }
    return { won, stale }
  })

const program = Effect.gen(function*() {
  yield* StateStore
  process.stdout.write("ready\n")
  yield* go
  const race = (mode: "transition" | "save") =>
    Effect.map(
      Effect.all(Array.from({ length: fibers }, (_, fiber) => racer(mode, `${name}-${fiber}`, offset + fiber)), {
        concurrency: "unbounded"
      }),
      (results) => ({
        won: results.flatMap((result) => result.won),
        stale: results.reduce((sum, result) => sum + result.stale, 0)
      })
    )
  const [transition, save] = yield* Effect.all([race("transition"), race("save")], { concurrency: "unbounded" })
  process.stdout.write(JSON.stringify({ transition, save }) + "\n")
})

NodeRuntime.runMain(
  program.pipe(Effect.provide(StateStore.DefaultWithoutDependencies.pipe(Layer.provide(coreLayer({ url: database })))))
)
