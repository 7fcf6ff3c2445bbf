/**
 * A separate process creating lessons one after another, each with a new
 * term of a shared prefix: `lessonCreator.ts <database> <prefix> <count>`.
 * Prints `created <i>` as soon as the create of lesson `i` (title
 * `<prefix><i>q`) returned, then `done <count>`.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { coreLayer } from "../../src/Core.js"
import { LessonsStore } from "../../src/LessonsStore.js"

const [database, prefix, count] = process.argv.slice(2)
if (database === undefined || prefix === undefined || count === undefined) throw new Error("usage: <database> <prefix> <count>")
const n = Number(count)

const program = Effect.gen(function*() {
  const store = yield* LessonsStore
  for (let i = 0; i < n; i++) {
    yield* store.create({ category: "pattern", title: `${prefix}${i}q`, summary: `lesson ${i} of another process` })
    yield* Effect.sync(() => process.stdout.write(`created ${i}\n`))
  }
  yield* Effect.sync(() => process.stdout.write(`done ${n}\n`))
})

Effect.runPromise(program.pipe(Effect.provide(LessonsStore.DefaultWithoutDependencies.pipe(Layer.provide(coreLayer({ url: database })))))).catch(
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  }
)
