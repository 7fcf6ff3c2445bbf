/**
 * Running a spec's database for one effect, and the typed failure of an
 * exit: the two helpers the database and migration specs share.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { Database, type DatabaseOptions } from "../../src/Database.js"

/** Acquires a database layer, runs `use` with it, releases it. */
export const withDatabase = <A, E>(options: DatabaseOptions, use: Effect.Effect<A, E, Database | SqlClient.SqlClient>) =>
  Effect.scoped(Layer.build(Database.layer(options)).pipe(Effect.flatMap((context) => Effect.provide(use, context))))

/** The typed failure of `exit`; throws when it succeeded or died. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure === undefined) throw new Error(`expected a typed failure, got ${exit.cause._tag}`)
  return failure
}
