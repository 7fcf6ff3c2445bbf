/**
 * An archive as the source of a copy: a logical backup of a PostgreSQL
 * database (or a prune archive), gzip JSON Lines of `{ "table", "row" }`
 * with rows in SQLite's form, read as a stream (never whole in memory) in
 * pages of adjacent lines of one table.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from "node:fs"
import * as readline from "node:readline"
import { createGunzip } from "node:zlib"
import { DatabaseError, ValidationError } from "../Errors.js"
import type { Row } from "./Pages.js"

const Line = Schema.parseJson(Schema.Struct({
  table: Schema.String,
  row: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}))

/** True when `file` is an existing gzip file (an archive), not a database. */
export const isArchive = (file: string): boolean => {
  if (!existsSync(file) || !statSync(file).isFile()) return false
  const fd = openSync(file, "r")
  try {
    const head = Buffer.alloc(2)
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b
  } finally {
    closeSync(fd)
  }
}

/** A `Buffer` as `JSON.stringify` writes it (`{ "type": "Buffer", "data": [...] }`), back to bytes. */
export const revived = (value: unknown): unknown => {
  if (value !== null && typeof value === "object" && "type" in value && value.type === "Buffer" && "data" in value && Array.isArray(value.data)) {
    return Buffer.from(value.data)
  }
  return value
}

/**
 * Runs `each(table, rows)` on the archive `file`, line by line in pages of
 * at most `size` adjacent rows of one table. Fails with `ValidationError` on
 * a line that is not `{ "table", "row" }`, `DatabaseError` when the file
 * cannot be read or is not gzip.
 */
export const forEachArchivePage = <E, R>(
  file: string,
  size: number,
  operation: string,
  each: (table: string, rows: ReadonlyArray<Row>) => Effect.Effect<void, E, R>
) =>
  Stream.fromAsyncIterable(
    readline.createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY }),
    (cause) =>
      new DatabaseError({ reason: "Connection", operation, message: `cannot read the archive ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
  ).pipe(
    Stream.filter((line) => line.trim() !== ""),
    Stream.zipWithIndex,
    Stream.mapEffect(([line, n]) =>
      Schema.decodeUnknown(Line)(line).pipe(
        Effect.mapError(() =>
          new ValidationError({ message: `${file} line ${n + 1} is not an archived row ({ "table", "row" })`, issues: [{ path: `line ${n + 1}`, message: "not an archived row" }] })
        )
      )),
    Stream.grouped(size),
    Stream.runForEach((chunk) =>
      Effect.gen(function*() {
        let run: Array<Row> = []
        let table: string | undefined
        for (const line of chunk) {
          if (table !== undefined && line.table !== table) {
            yield* each(table, run)
            run = []
          }
          table = line.table
          run.push(line.row)
        }
        if (table !== undefined && run.length > 0) yield* each(table, run)
      }))
  )
