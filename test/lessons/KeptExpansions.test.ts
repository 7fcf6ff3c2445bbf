/**
 * A plain search keeps the expansion of its words into whole terms while
 * the index's terms are unchanged (migration 0017, `ExpansionCache`): a
 * repeated search runs one statement, and a lesson written since, by this
 * store, another store on the same file or any other connection, is found
 * even when it brings a term the kept expansion does not name.
 */
import * as Statement from "@effect/sql/Statement"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as path from "node:path"
import type { Database } from "../../src/Database.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import { MAX_KEPT_EXPANSIONS } from "../../src/search/ExpansionCache.js"
import { tempDir } from "../support/TempDir.js"

/** A layer counting the statements its services run. */
const countingStatements = () => {
  let statements = 0
  const layer = Statement.setTransformer((statement) => Effect.sync(() => (statements++, statement)))
  return { layer, count: () => statements }
}

const search = (query: string) =>
  Effect.map(Effect.flatMap(LessonsStore, (store) => store.search({ query })), (hits) => hits.map((hit) => hit.title).sort())

const create = (title: string) =>
  Effect.flatMap(LessonsStore, (store) => store.create({ category: "pattern", title, summary: "kept expansions" }))

/** A logbook on `file`, counting its statements. */
const logbookOn = (file: string) => {
  const counting = countingStatements()
  const runtime = ManagedRuntime.make(Logbook.layer({ url: file }).pipe(Layer.provide(counting.layer)))
  const statementsOf = <A, E>(effect: Effect.Effect<A, E, LessonsStore | Database>) =>
    Effect.promise(async () => {
      const before = counting.count()
      const value = await runtime.runPromise(effect)
      return { value, statements: counting.count() - before }
    })
  return { runtime, statementsOf }
}

const withLogbooks = <A, E>(
  use: (file: string, logbooks: ReadonlyArray<ReturnType<typeof logbookOn>>) => Effect.Effect<A, E>
) =>
  Effect.scoped(Effect.gen(function*() {
    const file = path.join(yield* tempDir, "logbook.db")
    const logbooks = yield* Effect.acquireRelease(
      Effect.sync(() => [logbookOn(file), logbookOn(file)]),
      (opened) => Effect.promise(() => Promise.all(opened.map(({ runtime }) => runtime.dispose())))
    )
    return yield* use(file, logbooks)
  }))

describe("LessonsStore.search with kept expansions (SQLite)", () => {
  it.effect("a repeated search runs one statement; the first and a search after a write run two", () =>
    withLogbooks((_, [logbook]) =>
      Effect.gen(function*() {
        yield* logbook!.statementsOf(create("error budget"))
        const first = yield* logbook!.statementsOf(search("error"))
        const again = yield* logbook!.statementsOf(search("error"))
        expect(first).toEqual({ value: ["error budget"], statements: 2 })
        expect(again).toEqual({ value: ["error budget"], statements: 1 })
        yield* logbook!.statementsOf(create("error budget, again"))
        // The kept expansion still names every term: the search's own row shows a new version, the expansion is read again.
        const afterWrite = yield* logbook!.statementsOf(search("error"))
        expect(afterWrite).toEqual({ value: ["error budget", "error budget, again"], statements: 2 })
        expect((yield* logbook!.statementsOf(search("error"))).statements).toBe(1)
      })
    ))

  it.effect("a lesson bringing a new term of the word is found, whoever wrote it", () =>
    withLogbooks((file, [writer, reader]) =>
      Effect.gen(function*() {
        yield* reader!.statementsOf(create("error budget"))
        expect((yield* reader!.statementsOf(search("error"))).value).toEqual(["error budget"])
        expect((yield* reader!.statementsOf(search("error"))).statements).toBe(1)
        // Another store on the same file (another connection, as another process would be).
        yield* writer!.statementsOf(create("errorcode table"))
        const afterOtherStore = yield* reader!.statementsOf(search("error"))
        expect(afterOtherStore.value).toEqual(["error budget", "errorcode table"])
        // Expansion read again, search run again with it.
        expect(afterOtherStore.statements).toBe(3)
        // A connection that knows nothing of logbook.
        yield* Effect.sync(() => {
          const raw = new Sqlite(file)
          try {
            raw.prepare(
              `INSERT INTO lessons (id, category, title, summary, tags, confidence, application_count, created_at, updated_at)
               VALUES ('raw-1', 'pattern', 'errorless deploys', 'written by another program', '[]', 1, 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`
            ).run()
          } finally {
            raw.close()
          }
        })
        expect((yield* reader!.statementsOf(search("error"))).value).toEqual(["error budget", "errorcode table", "errorless deploys"])
      })
    ))

  it.effect("a search that found nothing finds the lesson written since with a new term", () =>
    withLogbooks((_, [writer, reader]) =>
      Effect.gen(function*() {
        yield* reader!.statementsOf(create("zeppelin routes"))
        expect((yield* reader!.statementsOf(search("zeppelinx"))).value).toEqual([])
        // Nothing changed: the expansion is read again (no row shows the version) and is the same.
        expect(yield* reader!.statementsOf(search("zeppelinx"))).toEqual({ value: [], statements: 2 })
        yield* writer!.statementsOf(create("zeppelinxyz hangar"))
        expect(yield* reader!.statementsOf(search("zeppelinx"))).toEqual({ value: ["zeppelinxyz hangar"], statements: 3 })
      })
    ))

  it.effect("an update that changes a lesson's words and a delete are seen at once", () =>
    withLogbooks((_, [writer, reader]) =>
      Effect.gen(function*() {
        const lesson = yield* writer!.statementsOf(create("retry storms"))
        yield* reader!.statementsOf(create("retry budget"))
        expect((yield* reader!.statementsOf(search("retr"))).value).toEqual(["retry budget", "retry storms"])
        yield* writer!.statementsOf(Effect.flatMap(LessonsStore, (store) => store.update(lesson.value.id, { title: "retrying storms" })))
        expect((yield* reader!.statementsOf(search("retr"))).value).toEqual(["retry budget", "retrying storms"])
        yield* writer!.statementsOf(Effect.flatMap(LessonsStore, (store) => store.delete(lesson.value.id)))
        expect((yield* reader!.statementsOf(search("retr"))).value).toEqual(["retry budget"])
      })
    ))

  it.effect("rebuilding the search index gives the terms a new version", () =>
    withLogbooks((file, [logbook]) =>
      Effect.gen(function*() {
        const version = () => {
          const raw = new Sqlite(file, { readonly: true })
          try {
            return raw.prepare("SELECT version FROM search_terms_versions WHERE name = 'lessons'").pluck().get()
          } finally {
            raw.close()
          }
        }
        yield* logbook!.statementsOf(create("error budget"))
        yield* logbook!.statementsOf(search("error"))
        const before = version()
        yield* logbook!.statementsOf(Maintenance.rebuildSearch)
        expect(version()).not.toEqual(before)
        expect(yield* logbook!.statementsOf(search("error"))).toEqual({ value: ["error budget"], statements: 2 })
      })
    ))

  it.effect(`keeps at most ${MAX_KEPT_EXPANSIONS} expansions, dropping the least recently used`, () =>
    withLogbooks((_, [logbook]) =>
      Effect.gen(function*() {
        yield* logbook!.statementsOf(create("alpha release"))
        yield* logbook!.statementsOf(create("error budget"))
        yield* logbook!.statementsOf(search("alpha"))
        yield* logbook!.statementsOf(search("error"))
        for (let i = 0; i < MAX_KEPT_EXPANSIONS - 2; i++) yield* logbook!.statementsOf(search(`word${i}`))
        // Used again: the most recently used, so the next new word drops "alpha", the least recently used.
        expect((yield* logbook!.statementsOf(search("error"))).statements).toBe(1)
        yield* logbook!.statementsOf(search("one more word"))
        expect((yield* logbook!.statementsOf(search("error"))).statements).toBe(1)
        expect(yield* logbook!.statementsOf(search("alpha"))).toEqual({ value: ["alpha release"], statements: 2 })
      })
    ), 60_000)
})
