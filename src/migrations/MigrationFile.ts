/**
 * Migration files: `<version>_<name>.sql` with `-- migrate:up` and
 * `-- migrate:down` sections. The checksum is the SHA-256 of the up section
 * with line endings normalised.
 */
import { createHash } from "node:crypto"
import * as Effect from "effect/Effect"
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { MigrationError } from "../Errors.js"
import { hasStatement, splitStatements } from "./SqlSplitter.js"

/** One parsed migration file. */
export interface MigrationFile {
  readonly version: number
  readonly name: string
  /** Absolute path of the file. */
  readonly file: string
  /** The folder it was read from; versions are ordered within each folder. */
  readonly source: string
  readonly checksum: string
  readonly up: ReadonlyArray<string>
  readonly down: ReadonlyArray<string>
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$/
const MARKER = /^[ \t]*--[ \t]*migrate:(up|down)[ \t]*$/gim

const normalise = (text: string) => text.replace(/\r\n?/g, "\n").trim()

/** SHA-256 (hex) of a migration's up section, line endings normalised. */
export const checksumOf = (up: string): string => createHash("sha256").update(normalise(up), "utf8").digest("hex")

const badFile = (file: string, message: string, version: number | null = null) =>
  new MigrationError({ reason: "BadFile", version, message: `${file}: ${message}` })

/** Parses the text of one migration file: the migration, or why it is not one. */
const parse = (file: string, source: string, text: string): MigrationFile | MigrationError => {
  const match = FILE_NAME.exec(path.basename(file))
  if (match === null) {
    return badFile(file, "a migration file is named <version>_<name>.sql")
  }
  const version = Number(match[1])
  const markers = [...text.matchAll(MARKER)].map((m) => ({ kind: m[1]!.toLowerCase(), at: m.index, end: m.index + m[0].length }))
  const ups = markers.filter((m) => m.kind === "up")
  const downs = markers.filter((m) => m.kind === "down")
  if (ups.length !== 1 || downs.length > 1) {
    return badFile(file, "expected one `-- migrate:up` section and at most one `-- migrate:down` section", version)
  }
  const up = ups[0]!
  const down = downs[0]
  if (down !== undefined && down.at < up.at) {
    return badFile(file, "the `-- migrate:down` section must follow `-- migrate:up`", version)
  }
  const upText = text.slice(up.end, down === undefined ? text.length : down.at)
  const downText = down === undefined ? "" : text.slice(down.end)
  if (!hasStatement(upText)) {
    return badFile(file, "the up section has no statement", version)
  }
  // Split when first read: opening a migrated database only compares checksums.
  let upStatements: ReadonlyArray<string> | undefined
  let downStatements: ReadonlyArray<string> | undefined
  return {
    version,
    name: match[2]!,
    file,
    source,
    checksum: checksumOf(upText),
    get up() {
      return upStatements ??= splitStatements(upText)
    },
    get down() {
      return downStatements ??= splitStatements(downText)
    }
  }
}

/** Parses the text of one migration file. */
export const parseMigration = (
  file: string,
  source: string,
  text: string
): Effect.Effect<MigrationFile, MigrationError> =>
  Effect.suspend(() => {
    const parsed = parse(file, source, text)
    return parsed instanceof MigrationError ? Effect.fail(parsed) : Effect.succeed(parsed)
  })

/**
 * Reads every migration file of one folder, sorted by version. A missing
 * folder has none. The folder and its files are read and parsed as plain
 * synchronous code, in one effect: a few small files, read each time a
 * database opens, cost less so than as a round trip to the thread pool, or
 * an effect, each.
 */
export const readMigrationDirectory = (directory: string): Effect.Effect<ReadonlyArray<MigrationFile>, MigrationError> =>
  Effect.suspend(() => {
    const source = path.resolve(directory)
    let entries: ReadonlyArray<string>
    try {
      entries = readdirSync(source)
    } catch (cause) {
      return cause instanceof Error && "code" in cause && cause.code === "ENOENT"
        ? Effect.succeed([])
        : Effect.fail(badFile(source, `cannot read the folder: ${String(cause)}`))
    }
    const migrations: Array<MigrationFile> = []
    for (const entry of entries.filter((name) => name.endsWith(".sql")).sort()) {
      const file = path.join(source, entry)
      let text: string
      try {
        text = readFileSync(file, "utf8")
      } catch (cause) {
        return Effect.fail(badFile(file, `cannot read: ${String(cause)}`))
      }
      const parsed = parse(file, source, text)
      if (parsed instanceof MigrationError) return Effect.fail(parsed)
      migrations.push(parsed)
    }
    return Effect.succeed(migrations.sort((a, b) => a.version - b.version))
  })

/** The first version of a user migration: 1 to 999 are logbook's own. */
export const FIRST_USER_VERSION = 1000

/**
 * Reads several folders, in order: logbook's own first, then the user's.
 * Rejects a version that appears twice, and a user migration numbered below
 * {@link FIRST_USER_VERSION}, saying why.
 */
export const readMigrations = (
  directories: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<MigrationFile>, MigrationError> =>
  Effect.gen(function*() {
    const [own = [], ...users] = yield* Effect.forEach(directories, readMigrationDirectory)
    for (const migration of users.flat()) {
      if (migration.version < FIRST_USER_VERSION) {
        return yield* badFile(
          migration.file,
          `user migrations are numbered from ${FIRST_USER_VERSION} (versions 1 to ${FIRST_USER_VERSION - 1} are logbook's own): give it a version of ${FIRST_USER_VERSION} or above (logbook new does)`,
          migration.version
        )
      }
    }
    const all = [...own, ...users.flat()]
    const seen = new Map<number, MigrationFile>()
    for (const migration of all) {
      const other = seen.get(migration.version)
      if (other !== undefined) {
        return yield* badFile(migration.file, `version ${migration.version} is also used by ${other.file}`, migration.version)
      }
      seen.set(migration.version, migration)
    }
    return all
  })
