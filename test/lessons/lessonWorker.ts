/**
 * A separate process working on one lesson of a database file:
 * `lessonWorker.ts <database> <lesson id> <apply|update> <count>`.
 * Applications run four at a time; updates run one after another, so the
 * last one (`revision <pid> <count - 1>`) is the title that stays.
 * Prints `done <count>` when every call succeeded.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { coreLayer } from "../../src/Core.js"
import { LessonsStore } from "../../src/LessonsStore.js"

const [database, id, mode, count] = process.argv.slice(2)
if (database === undefined || id === undefined || count === undefined) throw new Error("usage: <database> <id> <apply|update> <count>")
const n = Number(count)

const program = Effect.gen(function*() {
  const store = yield* LessonsStore
  yield* Effect.forEach(
    Array.from({ length: n }, (_, i) => i),
    (i) =>
      mode === "update"
        ? store.update(id, { title: `Shared lesson revision ${process.pid} ${i}`, details: `pid ${process.pid} step ${i}` })
        : store.recordApplication(id),
    { concurrency: mode === "update" ? 1 : 4, discard: true }
  )
  yield* Effect.sync(() => console.log(`done ${n}`))
})

Effect.runPromise(program.pipe(Effect.provide(LessonsStore.DefaultWithoutDependencies.pipe(Layer.provide(coreLayer({ url: database })))))).catch(
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
