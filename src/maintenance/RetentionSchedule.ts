/**
 * The background retention policy: a fiber that applies the configured
 * policy shortly after the database opens and then on a schedule (default
 * hourly), prunes in bounded chunks, gives the freed pages back, and logs one
 * line per run. A run that fails (the database read-only, locked by another
 * process, full) is skipped with a warning and tried again a minute later at
 * the latest; the fiber never fails and never touches the caller's flow.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { realClock } from "../database/SqlFailure.js"
import { returnFreePages } from "./FreePages.js"
import { pruneTables } from "./Prune.js"
import type { RetentionPolicy } from "./RetentionPolicy.js"

const OPERATION = "Retention.run"

/** One run of the policy: prune, then give the freed pages back. */
export const runPolicy = (sql: SqlClient.SqlClient, policy: RetentionPolicy) =>
  Effect.gen(function*() {
    const started = performance.now()
    const now = yield* Clock.currentTimeMillis
    const deleted = yield* pruneTables(sql, { policy, now, operation: OPERATION })
    const total = Object.values(deleted).reduce((a, b) => a + b, 0)
    const pages = total === 0 ? 0 : yield* returnFreePages(sql, OPERATION)
    yield* Effect.logInfo(`retention deleted ${total} rows`).pipe(
      Effect.annotateLogs({
        operation: OPERATION,
        deleted: JSON.stringify(deleted),
        pagesReturned: pages,
        millis: Math.round(performance.now() - started)
      })
    )
    return deleted
  })

/** A skipped run is tried again after this long at most. */
const RETRY_AFTER = Duration.minutes(1)

/** Applies `policy` forever on its schedule; run it forked in the database's scope. */
export const retentionLoop = (sql: SqlClient.SqlClient, policy: RetentionPolicy) =>
  Effect.gen(function*() {
    yield* Effect.sleep(policy.startAfter)
    while (true) {
      const succeeded = yield* runPolicy(sql, policy).pipe(
        Effect.as(true),
        Effect.catchAll((error) =>
          Effect.logWarning(`retention run skipped (${error.reason}): ${error.message}; it is tried again later`).pipe(
            Effect.annotateLogs({ operation: OPERATION, reason: error.reason }),
            Effect.as(false)
          )
        ),
        Effect.catchAllDefect((defect) =>
          Effect.logWarning(`retention run skipped: ${String(defect)}; it is tried again later`).pipe(
            Effect.annotateLogs({ operation: OPERATION }),
            Effect.as(false)
          )
        )
      )
      yield* Effect.sleep(succeeded ? policy.every : Duration.min(policy.every, RETRY_AFTER))
    }
  }).pipe(Effect.withClock(realClock), Effect.withSpan(OPERATION))
