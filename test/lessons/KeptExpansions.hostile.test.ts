/**
 * The kept expansions of plain lesson searches against hostile histories (SQLite): a
 * search never misses a lesson the file holds when it runs, whoever wrote
 * it, and a warm store answers exactly as a fresh one.
 */
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import type { LessonCategory, LessonSearchOptions } from "../../src/lessons/Lesson.js"
import { Database } from "../../src/Database.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import { childEntry, runCommand } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"

const logbookOn = (file: string, migrate?: "apply" | "verify" | "off") => ManagedRuntime.make(Logbook.layer({ url: file, migrate }))
type Runtime = ReturnType<typeof logbookOn>

const withDir = <A, E>(use: (dir: string, open: (file: string, migrate?: "apply" | "verify" | "off") => Runtime) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.gen(function*() {
    const dir = yield* tempDir
    const opened: Array<Runtime> = []
    yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all(opened.map((r) => r.dispose()))))
    return yield* use(dir, (file, migrate) => {
      const runtime = logbookOn(file, migrate)
      opened.push(runtime)
      return runtime
    })
  }))

const titles = (runtime: Runtime, options: LessonSearchOptions) =>
  runtime.runPromise(Effect.flatMap(LessonsStore, (store) => store.search(options))).then((hits) => hits.map((hit) => hit.title).sort())

const create = (runtime: Runtime, title: string, more: Partial<{ category: LessonCategory; projectId: string | null; tags: Array<string>; details: string }> = {}) =>
  runtime.runPromise(Effect.flatMap(LessonsStore, (store) => store.create({ category: "pattern", title, summary: "kept expansions, hostile", ...more })))

const raw = <A>(file: string, use: (db: Sqlite.Database) => A): A => {
  const db = new Sqlite(file)
  try {
    return use(db)
  } finally {
    db.close()
  }
}

/** Copies `from` onto `to` through SQLite's online backup API, from another connection. */
const restore = async (from: string, to: string) => {
  const db = new Sqlite(from)
  try {
    await db.backup(to)
  } finally {
    db.close()
  }
}

describe("kept expansions against hostile histories (SQLite)", () => {
  it.effect("a searcher in a loop finds every lesson another process created before the search began", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const reader = open(file)
        await create(reader, "kexp seed")
        const count = 40
        let created = -1
        let done = false
        const child = runCommand(process.execPath, [childEntry("test/lessons/lessonCreator.ts"), file, "kexp", String(count)], {
          onStdout: (chunk) => {
            for (const match of chunk.matchAll(/created (\d+)/g)) created = Math.max(created, Number(match[1]))
          }
        }).then((result) => {
          done = true
          return result
        })
        const queries = ["kexp", "kexp1", "kexp2", "kexp3q", "kex"]
        const misses: Array<string> = []
        let searches = 0
        // Searches that ran while the other process was still creating lessons.
        let during = 0
        const deadline = Date.now() + 60_000
        while ((!done || searches < 5) && Date.now() < deadline) {
          // Lets the child's output and exit events in between searches.
          await new Promise((resolve) => setImmediate(resolve))
          for (const query of queries) {
            const seen = created
            if (seen >= 0 && seen < count - 1) during++
            const found = new Set(await titles(reader, { query, limit: 200 }))
            searches++
            for (let i = 0; i <= seen; i++) {
              const title = `kexp${i}q`
              if (title.startsWith(query) && !found.has(title)) misses.push(`${query} missed ${title} (created up to ${seen})`)
            }
          }
          if (done) searches = Math.max(searches, 5)
        }
        const result = await child
        expect(result.stderr).toBe("")
        expect(result.stdout).toContain(`done ${count}`)
        expect(misses).toEqual([])
        expect(during).toBeGreaterThan(10)
        expect(await titles(reader, { query: "kexp", limit: 200 })).toHaveLength(count + 1)
      })
    ), 120_000)

  it.effect("a backup restored under a running store: the search finds what the file holds", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const backupFile = path.join(dir, "backup.db")
        const store = open(file)
        await create(store, "orbit alpha")
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha"])
        await store.runPromise(Maintenance.backup(backupFile))
        // Kept at the backup's version: the backup holds the same terms.
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha"])
        await create(store, "orbital beta")
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha", "orbital beta"])
        // Restored online, through SQLite's backup API, by another connection.
        await restore(backupFile, file)
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha"])
        await create(store, "orbitals gamma")
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha", "orbitals gamma"])
        // Again, restoring while the store's kept expansion is of the backup's very version.
        await restore(backupFile, file)
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha"])
        await raw(file, (db) => db.prepare("INSERT INTO lessons (id, category, title, summary, tags, confidence, application_count, created_at, updated_at) VALUES ('raw-orb', 'pattern', 'orbiter delta', 's', '[]', 1, 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')").run())
        expect(await titles(store, { query: "orb" })).toEqual(["orbit alpha", "orbiter delta"])
      })
    ), 60_000)

  it.effect("a copy of the file taken with the same version, then written differently, does not share a kept expansion", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const store = open(file)
        await create(store, "nebula one")
        expect(await titles(store, { query: "neb" })).toEqual(["nebula one"])
        await store.runPromise(Maintenance.backup(path.join(dir, "copy.db")))
        // The copy gets a lesson with a new term; then it replaces the store's file.
        const other = open(path.join(dir, "copy.db"))
        await create(other, "nebular two")
        await other.dispose()
        await restore(path.join(dir, "copy.db"), file)
        expect(await titles(store, { query: "neb" })).toEqual(["nebula one", "nebular two"])
      })
    ), 60_000)

  it.effect("the version's row deleted, or its table dropped: right results or a typed error", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const [reader, writer] = [open(file), open(file)]
        await create(reader, "quasar one")
        expect(await titles(reader, { query: "qua" })).toEqual(["quasar one"])
        raw(file, (db) => db.prepare("DELETE FROM search_terms_versions").run())
        await create(writer, "quasars two")
        expect(await titles(reader, { query: "qua" })).toEqual(["quasar one", "quasars two"])
        await create(writer, "quasarish three")
        expect(await titles(reader, { query: "qua" })).toEqual(["quasar one", "quasarish three", "quasars two"])
        expect(await titles(reader, { query: "qua" })).toEqual(["quasar one", "quasarish three", "quasars two"])
        // The row back, by hand, with some value: still right.
        raw(file, (db) => db.prepare("INSERT INTO search_terms_versions (name, version) VALUES ('lessons', 7)").run())
        expect(await titles(reader, { query: "qua" })).toEqual(["quasar one", "quasarish three", "quasars two"])
        await create(writer, "quasarx four")
        expect(await titles(reader, { query: "qua" })).toHaveLength(4)
        raw(file, (db) => db.exec("DROP TRIGGER lessons_terms_version_insert; DROP TRIGGER lessons_terms_version_delete; DROP TRIGGER lessons_terms_version_update; DROP TABLE search_terms_versions"))
        const exit = await reader.runPromiseExit(Effect.flatMap(LessonsStore, (store) => store.search({ query: "qua" })))
        if (Exit.isSuccess(exit)) {
          expect(exit.value.map((hit) => hit.title).sort()).toEqual(["quasar one", "quasarish three", "quasars two", "quasarx four"])
        } else {
          expect(JSON.stringify(exit.cause)).toContain("DatabaseError")
        }
      })
    ), 60_000)

  it.effect("more than 256 distinct searches, each right after writes of new terms", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const [reader, writer] = [open(file), open(file)]
        const n = 300
        // Opens (and migrates) the file.
        expect(await titles(reader, { query: "w" })).toEqual([])
        raw(file, (db) => {
          const insert = db.prepare(`INSERT INTO lessons (id, category, title, summary, tags, confidence, application_count, created_at, updated_at)
            VALUES (?, 'pattern', ?, 's', '[]', 1, 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`)
          db.transaction(() => {
            for (let i = 0; i < n; i++) insert.run(`l-${i}`, `w${i}zz`)
          })()
        })
        for (let round = 0; round < 2; round++) {
          for (let i = 0; i < n; i++) expect(await titles(reader, { query: `w${i}z` })).toEqual([`w${i}zz`])
        }
        await create(writer, "w7zzz")
        await create(writer, "w299zy")
        expect(await titles(reader, { query: "w7z" })).toEqual(["w7zz", "w7zzz"])
        expect(await titles(reader, { query: "w299z" })).toEqual(["w299zy", "w299zz"])
        for (let i = 0; i < n; i += 37) expect((await titles(reader, { query: `w${i}z` })).length).toBeGreaterThan(0)
      })
    ), 120_000)

  it.effect("a database at migration 16: verify refuses, off fails typed or answers right, apply migrates", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const first = open(file)
        await create(first, "pulsar one")
        await first.dispose()
        const down = readFileSync(path.join(__dirname, "../../migrations/sqlite/0017_lesson_terms_version.sql"), "utf8").split("-- migrate:down")[1]!
        raw(file, (db) => {
          db.exec(down)
          db.prepare("DELETE FROM logbook_migrations WHERE version = 17").run()
        })
        const verify = await open(file, "verify").runPromiseExit(Effect.flatMap(LessonsStore, (store) => store.search({ query: "pul" })))
        expect(Exit.isFailure(verify) && JSON.stringify(verify.cause)).toContain("MigrationError")
        const off = await open(file, "off").runPromiseExit(Effect.flatMap(LessonsStore, (store) => store.search({ query: "pul" })))
        if (Exit.isSuccess(off)) expect(off.value.map((hit) => hit.title)).toEqual(["pulsar one"])
        else expect(JSON.stringify(off.cause)).toContain("DatabaseError")
        const applied = open(file, "apply")
        expect(await titles(applied, { query: "pul" })).toEqual(["pulsar one"])
        await create(applied, "pulsars two")
        expect(await titles(applied, { query: "pul" })).toEqual(["pulsar one", "pulsars two"])
      })
    ), 60_000)

  it.effect("a warm store answers exactly as a fresh store on the same file, between writes of another store", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const [warm, writer] = [open(file), open(file)]
        const stems = ["ab", "abc", "abcd", "ab\"q", "t", "ta", "tb", "tc", "x1", "x10", "o'k"]
        const word = fc.tuple(fc.constantFrom(...stems), fc.integer({ min: 0, max: 30 })).map(([stem, i]) => `${stem}${i}`)
        const categories: ReadonlyArray<LessonCategory> = ["bug", "pattern", "security"]
        const ids: Array<string> = []
        // More than 16 terms beginning "t" and "ab": such words stay prefix queries.
        for (let i = 0; i < 20; i++) ids.push((await create(writer, `t${i} ab${i} base`, { tags: i % 2 === 0 ? ["even"] : [] })).id)
        const write = fc.oneof(
          fc.record({ kind: fc.constant("create" as const), words: fc.array(word, { minLength: 1, maxLength: 4 }), category: fc.constantFrom(...categories), project: fc.constantFrom(null, "p1"), tag: fc.boolean() }),
          fc.record({ kind: fc.constant("update" as const), at: fc.nat(), words: fc.array(word, { minLength: 1, maxLength: 3 }) }),
          fc.record({ kind: fc.constant("delete" as const), at: fc.nat() })
        )
        const query = fc.record({
          words: fc.array(fc.oneof(fc.constantFrom(...stems), word, fc.constantFrom("\"ab", "ab*", "t OR", "-x1")), { minLength: 1, maxLength: 3 }),
          fts5: fc.boolean(),
          category: fc.option(fc.constantFrom(...categories), { nil: undefined }),
          projectId: fc.option(fc.constantFrom(null, "p1"), { nil: undefined }),
          tags: fc.option(fc.constant(["even"]), { nil: undefined }),
          limit: fc.integer({ min: 1, max: 30 }),
          offset: fc.integer({ min: 0, max: 10 })
        })
        const searchOf = (runtime: Runtime, options: LessonSearchOptions) =>
          runtime.runPromiseExit(Effect.flatMap(LessonsStore, (store) => store.search(options))).then((exit) =>
            Exit.isSuccess(exit) ? { ok: exit.value.map((hit) => [hit.id, hit.rank, hit.snippet]) } : { error: String(Exit.isFailure(exit) && exit.cause) })
        await fc.assert(
          fc.asyncProperty(fc.array(write, { maxLength: 3 }), fc.array(query, { minLength: 1, maxLength: 4 }), async (writes, queries) => {
            for (const w of writes) {
              if (w.kind === "create") ids.push((await create(writer, w.words.join(" "), { category: w.category, projectId: w.project, tags: w.tag ? ["even"] : [] })).id)
              else if (ids.length > 0) {
                const id = ids[w.at % ids.length]!
                if (w.kind === "update") await writer.runPromise(Effect.flatMap(LessonsStore, (store) => store.update(id, { title: w.words.join(" ") })))
                else {
                  await writer.runPromise(Effect.flatMap(LessonsStore, (store) => store.delete(id)))
                  ids.splice(ids.indexOf(id), 1)
                }
              }
            }
            const fresh = open(file)
            try {
              for (const q of queries) {
                const options: LessonSearchOptions = {
                  query: q.words.join(" "),
                  ...(q.fts5 ? { syntax: "fts5" as const } : {}),
                  ...(q.category === undefined ? {} : { category: q.category }),
                  ...(q.projectId === undefined ? {} : { projectId: q.projectId }),
                  ...(q.tags === undefined ? {} : { tags: q.tags }),
                  limit: q.limit,
                  offset: q.offset
                }
                // Twice on the warm store: the second one from its kept expansion.
                const first = await searchOf(warm, options)
                const second = await searchOf(warm, options)
                const reference = await searchOf(fresh, options)
                expect(first).toEqual(reference)
                expect(second).toEqual(reference)
              }
            } finally {
              await fresh.dispose()
            }
          }),
          { numRuns: 150 }
        )
      })
    ), 180_000)
  it.effect("a search inside a transaction that is rolled back leaves no kept expansion that hides or invents a lesson", () =>
    withDir((dir, open) =>
      Effect.promise(async () => {
        const file = path.join(dir, "logbook.db")
        const [store, writer] = [open(file), open(file)]
        await create(store, "zircon one")
        expect(await titles(store, { query: "zir" })).toEqual(["zircon one"])
        const inside = await store.runPromiseExit(Effect.gen(function*() {
          const db = yield* Database
          const lessons = yield* LessonsStore
          return yield* db.transaction("hostile.rollback", Effect.gen(function*() {
            yield* lessons.create({ category: "pattern", title: "zirconia rolled", summary: "s" })
            const hits = yield* lessons.search({ query: "zir" })
            // Fails with what the search inside saw, which rolls the transaction back.
            return yield* Effect.fail({ seen: hits.map((hit) => hit.title).sort() })
          }))
        }))
        expect(Exit.isFailure(inside) && JSON.stringify(inside.cause)).toContain(JSON.stringify({ seen: ["zircon one", "zirconia rolled"] }))
        expect(await titles(store, { query: "zir" })).toEqual(["zircon one"])
        expect(await titles(store, { query: "zirconi" })).toEqual([])
        await create(writer, "zirconium two")
        expect(await titles(store, { query: "zir" })).toEqual(["zircon one", "zirconium two"])
        expect(await titles(store, { query: "zirconi" })).toEqual(["zirconium two"])
      })
    ), 60_000)
})
