/**
 * How the framework bridges (LangGraph, OpenAI Agents), whose interfaces are
 * Promise-based, run logbook's effects: on a runtime that provides the
 * database and the redactor, rejecting with logbook's own typed error
 * (`DatabaseError`, ...) rather than a wrapped fiber failure.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"
import { Database, type DatabaseOptions } from "../Database.js"
import type { DatabaseError, MigrationError } from "../Errors.js"
import { Redactor } from "../redaction/Redactor.js"

/** What a bridge needs from logbook: the database and the redactor configured for it. */
export type BridgeServices = Database | SqlClient.SqlClient | Redactor

/** Runs an effect to a Promise; `close` releases what the runner owns. */
export interface EffectRunner {
  readonly run: <A, E>(effect: Effect.Effect<A, E, BridgeServices>) => Promise<A>
  readonly close: () => Promise<void>
}

const settle = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}

/** A runner on a runtime the caller owns (closing it leaves the runtime open). */
export const fromRuntime = (runtime: Runtime.Runtime<BridgeServices>): EffectRunner => ({
  run: (effect) => Runtime.runPromiseExit(runtime)(effect).then(settle),
  close: () => Promise.resolve()
})

/** The database and its redactor, opened with `options`. */
export const bridgeLayer = (options?: DatabaseOptions): Layer.Layer<BridgeServices, DatabaseError | MigrationError> =>
  Layer.unwrapEffect(Effect.map(Database, (db) => Redactor.layer(db.options.redaction))).pipe(
    Layer.provideMerge(Database.layer(options))
  )

/**
 * A runner that opens its own database with `options` on first use (a
 * failure to open rejects that first call) and closes it on `close`.
 */
export const fromOptions = (options?: DatabaseOptions): EffectRunner => {
  const managed = ManagedRuntime.make(bridgeLayer(options))
  return {
    run: (effect) => managed.runPromiseExit(effect).then(settle),
    close: () => managed.dispose()
  }
}
