/**
 * The services every store stands on: the `Database` (with its `SqlClient`),
 * the `Redactor` configured from the database options, and the write-behind
 * recorder.
 *
 * They are acquired in one effect (one layer), not as a graph of layers:
 * each layer of a graph costs its own memoization, scope and fibers, several
 * times the work of building these services on a migrated database.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { acquireDatabase, Database, type DatabaseOptions } from "./Database.js"
import type { DatabaseError, MigrationError } from "./Errors.js"
import { makeRedactor, Redactor } from "./redaction/Redactor.js"
import { WriteBehind } from "./writeBehind/WriteBehind.js"
import { make as makeWriteBehind } from "./writeBehind/WriteBehindLive.js"

/** What the core layer provides. */
export type Core = Database | SqlClient.SqlClient | Redactor | WriteBehind

/**
 * Acquires the core services on the database that `database` acquires, in
 * the current scope: the redactor configured by the database's `redaction`
 * option, then the write-behind recorder (released before the database, so
 * that it drains into it).
 */
export const acquireCore = <E>(
  database: Effect.Effect<Context.Context<Database | SqlClient.SqlClient>, E, Scope.Scope>
): Effect.Effect<Context.Context<Core>, E | DatabaseError, Scope.Scope> =>
  Effect.gen(function*() {
    const opened = yield* database
    const redacting = Context.add(opened, Redactor, makeRedactor(Context.get(opened, Database).options.redaction))
    const writeBehind = yield* Effect.provide(makeWriteBehind({}), redacting)
    return Context.add(redacting, WriteBehind, writeBehind)
  })

/** Builds the core services on top of a database layer. */
export const coreOn = (
  database: Layer.Layer<Database | SqlClient.SqlClient, DatabaseError | MigrationError>
): Layer.Layer<Core, DatabaseError | MigrationError> => Layer.scopedContext(acquireCore(Layer.build(database)))

/** The core services on the database at `options.url`. */
export const coreLayer = (options?: DatabaseOptions): Layer.Layer<Core, DatabaseError | MigrationError> =>
  Layer.scopedContext(acquireCore(acquireDatabase(options)))

/** The core services on the database named by `LOGBOOK_*` environment variables. */
export const coreLayerConfig: Layer.Layer<Core, DatabaseError | MigrationError> = coreOn(Database.layerConfig)

/** The core services on a fresh in-memory database per acquisition (`Database.layerMemory`): for specs. */
export const coreLayerMemory: Layer.Layer<Core, DatabaseError | MigrationError> = Layer.suspend(() =>
  coreOn(Database.layerMemory)
)
