import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as path from "node:path"
import { coreLayer } from "../../src/Core.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { checkSearchIndexes } from "../../src/maintenance/SearchIndex.js"
import { runScript } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"

const worker = "test/lessons/lessonWorker.ts"

describe("LessonsStore across processes", () => {
  it.live("concurrent processes applying and updating one lesson lose no increment and keep the index intact", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const database = path.join(dir, "lessons.db")
      const layer = LessonsStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: database })))
      const lesson = yield* LessonsStore.create({ category: "pattern", title: "Shared lesson", summary: "Touched by many processes" })
        .pipe(Effect.provide(layer))

      const results = yield* Effect.promise(() =>
        Promise.all([
          runScript(worker, [database, lesson.id, "apply", "25"]),
          runScript(worker, [database, lesson.id, "apply", "25"]),
          runScript(worker, [database, lesson.id, "apply", "25"]),
          runScript(worker, [database, lesson.id, "apply", "25"]),
          runScript(worker, [database, lesson.id, "update", "25"])
        ])
      )
      for (const result of results) {
        expect(result.stderr).toBe("")
        expect(result.stdout.trim().split("\n").at(-1)).toBe("done 25")
        expect(result.code).toBe(0)
      }

      yield* Effect.gen(function*() {
        const store = yield* LessonsStore
        const stored = Option.getOrThrow(yield* store.getById(lesson.id))
        expect(stored.applicationCount).toBe(100)
        expect(stored.title).toMatch(/^Shared lesson revision \d+ 24$/)
        expect((yield* checkSearchIndexes).every((check) => check.ok)).toBe(true)
        expect((yield* store.search({ query: "revision" })).map((hit) => hit.id)).toEqual([lesson.id])
      }).pipe(Effect.provide(layer))
    }).pipe(Effect.scoped), { timeout: 180_000 })
})
