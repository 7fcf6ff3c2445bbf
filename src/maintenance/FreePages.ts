/**
 * Giving space back to the file system. New databases are created with
 * `auto_vacuum = INCREMENTAL`: after a prune, the freed pages are returned a
 * bounded number at a time (each batch its own short transaction, with a
 * pause after it), then the WAL is checkpointed so that the file shrinks. A
 * full `VACUUM` rewrites the whole file (and turns an older database to
 * incremental auto-vacuum).
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Num } from "../database/Columns.js"
import { realClock, withDatabaseErrors } from "../database/SqlFailure.js"
import { checkpointWal, incrementalVacuumStep, pageCounts, vacuumDatabase } from "./Queries.js"

/** The pages of a database file and how many are free. */
export interface FreeSpace {
  readonly pageSize: number
  readonly pages: number
  readonly freePages: number
  /** Bytes a vacuum would give back. */
  readonly reclaimableBytes: number
  readonly autoVacuum: "none" | "full" | "incremental"
}

const Pages = Schema.Tuple(Schema.Struct({
  page_size: Num,
  page_count: Num,
  freelist_count: Num,
  auto_vacuum: Num
}))

const autoVacuumNames = ["none", "full", "incremental"] as const

/** Reads the page counts of the database. */
export const freeSpace = (sql: SqlClient.SqlClient, operation: string) =>
  pageCounts(sql).pipe(
    Effect.flatMap(Schema.decodeUnknown(Pages)),
    Effect.map(([row]): FreeSpace => ({
      pageSize: row.page_size,
      pages: row.page_count,
      freePages: row.freelist_count,
      reclaimableBytes: row.freelist_count * row.page_size,
      autoVacuum: autoVacuumNames[row.auto_vacuum] ?? "none"
    })),
    withDatabaseErrors(operation)
  )

/**
 * The pause after a batch that held the write lock for `millis`: as long again,
 * and at least 20 ms, so that a writer polling for the lock (SQLite's busy
 * handler sleeps up to 25 ms early on) finds it free.
 */
export const pause = (millis: number) =>
  Effect.sleep(Duration.millis(Math.min(250, Math.max(20, millis)))).pipe(Effect.withClock(realClock))

/**
 * Pages returned per transaction. The driver steps an incremental vacuum
 * once per call, and each step returns one page, so a step is one statement:
 * 256 of them take about 10 ms.
 */
const STEP_PAGES = 256

/**
 * Returns the free pages of an incremental auto-vacuum database to the file
 * system, {@link STEP_PAGES} per short transaction with a pause after each
 * (so other writers get the lock), then checkpoints the WAL so that the file
 * shrinks; returns the number of pages given back (0 on a database without
 * incremental auto-vacuum).
 */
export const returnFreePages = (sql: SqlClient.SqlClient, operation: string) =>
  Effect.gen(function*() {
    let returned = 0
    while (true) {
      const space = yield* freeSpace(sql, operation)
      if (space.autoVacuum !== "incremental" || space.freePages === 0) break
      const steps = Math.min(STEP_PAGES, space.freePages)
      const millis = yield* sql.withTransaction(Effect.gen(function*() {
        const started = performance.now()
        for (let i = 0; i < steps; i++) yield* incrementalVacuumStep(sql, operation)
        return performance.now() - started
      })).pipe(withDatabaseErrors(operation))
      const after = yield* freeSpace(sql, operation)
      if (after.freePages >= space.freePages) break
      returned += space.freePages - after.freePages
      // Copying the moved pages into the file now keeps the WAL short, so that
      // a writer's commit does not pay a large automatic checkpoint.
      yield* checkpointWal(sql, "PASSIVE").pipe(withDatabaseErrors(operation))
      yield* pause(millis)
    }
    return returned
  })

/** Rewrites the whole database file (`VACUUM`), then checkpoints the WAL so that the file shrinks. */
export const vacuumAll = (sql: SqlClient.SqlClient, operation: string) =>
  Effect.gen(function*() {
    yield* vacuumDatabase(sql).pipe(withDatabaseErrors(operation))
    yield* checkpointWal(sql, "TRUNCATE").pipe(withDatabaseErrors(operation))
  })
