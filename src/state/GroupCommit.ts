/**
 * Group commit: work submitted by concurrent fibers while one is committing
 * is run together in the next transaction, each inside its own savepoint, so
 * they share one commit (one fsync) and a failure of one (a stale
 * compare-and-set, a constraint) rolls back only its own writes. Work must be
 * atomic on its own (one statement, or a transaction): when nothing else is
 * waiting, it runs alone as it is, without the shared transaction around it.
 * A submitter inside a transaction of its own runs its work there, directly.
 *
 * @module
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"

/** The most transactions one commit carries. */
const MAX_BATCH = 256

interface Pending {
  /** Runs the work, keeping its outcome: alone as it is, or inside the shared transaction (its own savepoint). */
  readonly run: (shared: boolean) => Effect.Effect<void>
  /** Hands the outcome over once the shared transaction ended (`commit` is its end). */
  readonly settle: (commit: Exit.Exit<unknown, SqlError>) => Effect.Effect<void>
}

/** Submits work (one statement, or a transaction) to the group commit; it succeeds or fails as it would alone, once committed. */
export type Submit = <A, E>(work: Effect.Effect<A, E>) => Effect.Effect<A, E | SqlError>

/** Starts the committer on `sql` (it stops with the scope) and returns its `submit`. */
export const makeGroupCommit = (sql: SqlClient.SqlClient): Effect.Effect<Submit, never, Scope.Scope> =>
  Effect.gen(function*() {
    const queue = yield* Effect.acquireRelease(Queue.unbounded<Pending>(), Queue.shutdown)
    const commitBatch = Effect.gen(function*() {
      const batch = yield* Queue.takeBetween(queue, 1, MAX_BATCH)
      const alone = batch.length === 1
      const commit = yield* Effect.forEach(batch, (pending) => pending.run(!alone), { discard: true }).pipe(
        alone ? identity : sql.withTransaction,
        Effect.exit,
        Effect.onInterrupt(() => Effect.forEach(batch, (pending) => pending.settle(Exit.interrupt(FiberId.none)), { discard: true }))
      )
      yield* Effect.forEach(batch, (pending) => pending.settle(commit), { discard: true })
    })
    yield* Effect.forkScoped(Effect.forever(commitBatch))

    const submit: Submit = <A, E>(work: Effect.Effect<A, E>) =>
      Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (inTransaction) => {
        if (Option.isSome(inTransaction)) return work
        return Effect.flatMap(Deferred.make<A, E | SqlError>(), (deferred) => {
          let outcome: Exit.Exit<A, E | SqlError> = Exit.interrupt(FiberId.none)
          const pending: Pending = {
            run: (shared) =>
              Effect.map(Effect.exit(shared ? sql.withTransaction(work) : work), (exit) => {
                outcome = exit
              }),
            settle: (commit) => Deferred.done(deferred, Exit.isFailure(commit) ? Exit.failCause(commit.cause) : outcome)
          }
          return Effect.zipRight(Queue.offer(queue, pending), Deferred.await(deferred))
        })
      })
    return submit
  })
