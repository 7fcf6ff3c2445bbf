import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { migrationDirectories } from "../../src/migrations/Migrator.js"
import { sqliteUpToDate } from "../../src/migrations/UpToDate.js"
import { withDatabase } from "../support/Effects.js"
import { tempDir } from "../support/TempDir.js"

const widgets = "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n"

describe("the up-to-date check at opening", () => {
  it.scoped("is true only when every file is applied as it is on disk and nothing applied lacks its file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "db.sqlite")
      const users = path.join(dir, "migrations")
      const file = path.join(dir, "1001_widgets.sql")
      const check = (folders: ReadonlyArray<string>) => withDatabase({ url, migrate: "off" }, sqliteUpToDate(migrationDirectories(folders)))
      // A new file: no tracking table yet.
      expect(yield* check([])).toBe(false)
      yield* withDatabase({ url }, Effect.void)
      expect(yield* check([])).toBe(true)
      // A pending user migration.
      writeFileSync(file, widgets)
      expect(yield* check([dir])).toBe(false)
      yield* withDatabase({ url, migrationsDirectories: [dir] }, Effect.void)
      expect(yield* check([dir])).toBe(true)
      // An applied file changed on disk.
      writeFileSync(file, widgets.replace("id INTEGER", "id INTEGER, name TEXT"))
      expect(yield* check([dir])).toBe(false)
      // An applied version without its file (the user folder is not given).
      expect(yield* check([users])).toBe(false)
    }))
})
