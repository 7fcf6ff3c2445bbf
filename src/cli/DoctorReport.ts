/**
 * What `logbook doctor` reports. FTS5 checks a search index only through a
 * write statement, which a read-only database refuses (see
 * `database/ReadOnly.ts`): there every check runs on a private snapshot taken
 * with SQLite's backup API, and the journal mode, sizes and spool reported
 * are the database's own. Nothing is written to, or created beside, it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Database } from "../Database.js"
import { DEFAULT_URL, locate } from "../database/DatabaseOptions.js"
import { isReadOnlyFile } from "../database/ReadOnly.js"
import * as Maintenance from "../Maintenance.js"
import { spoolFiles } from "../writeBehind/Spool.js"
import { readDatabase } from "./Databases.js"

const fileSize = (file: string) => (existsSync(file) ? statSync(file).size : 0)

const snapshotFolder = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(tmpdir(), "logbook-doctor-"))),
  (folder) => Effect.sync(() => rmSync(folder, { recursive: true, force: true }))
)

/** Runs every check of `doctor` on the existing database named by `url`. */
export const doctorReport = (url: Option.Option<string>, migrations: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const location = locate(Option.getOrElse(url, () => DEFAULT_URL))
    if (location._tag !== "File" || !isReadOnlyFile(location.filename)) {
      return yield* Maintenance.doctor.pipe(readDatabase(url, migrations))
    }
    const file = location.filename
    const snapshot = path.join(yield* snapshotFolder, path.basename(file))
    const own = yield* Effect.gen(function*() {
      const db = yield* Database
      const health = yield* db.health
      yield* Maintenance.backup(snapshot)
      // A file location is always a SQLite database.
      return { journalMode: health.dialect === "sqlite" ? health.journalMode : "", spool: db.options.spool }
    }).pipe(readDatabase(url, migrations))
    const report = yield* Maintenance.doctor.pipe(readDatabase(Option.some(snapshot), migrations))
    const checked: Maintenance.DoctorReport = {
      ...report,
      ok: report.ok && own.journalMode === "wal",
      journalMode: own.journalMode,
      walBytes: fileSize(`${file}-wal`),
      databaseBytes: fileSize(file),
      spool: spoolFiles(own.spool).map((spool) => ({ path: spool, bytes: fileSize(spool) }))
    }
    return checked
  }).pipe(Effect.scoped)
