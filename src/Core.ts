/**
 * The services every store stands on: the `Database` (with its `SqlClient`),
 * the `Redactor` configured from the database options, and the write-behind
 * recorder.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Database, type DatabaseOptions } from "./Database.js"
import type { DatabaseError, MigrationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import type { WriteBehind } from "./writeBehind/WriteBehind.js"
import { layer as writeBehindLayer } from "./writeBehind/WriteBehindLive.js"

/** What the core layer provides. */
export type Core = Database | SqlClient.SqlClient | Redactor | WriteBehind

/** The redactor configured by the database's `redaction` option. */
const redactorFromDatabase: Layer.Layer<Redactor, never, Database> = Layer.unwrapEffect(
  Effect.map(Database, (db) => Redactor.layer(db.options.redaction))
)

/** Builds the core services on top of a database layer. */
export const coreOn = (
  database: Layer.Layer<Database | SqlClient.SqlClient, DatabaseError | MigrationError>
): Layer.Layer<Core, DatabaseError | MigrationError> =>
  Layer.mergeAll(redactorFromDatabase, writeBehindLayer).pipe(Layer.provideMerge(database))

/** The core services on the database at `options.url`. */
export const coreLayer = (options?: DatabaseOptions) => coreOn(Database.layer(options))

/** The core services on the database named by `LOGBOOK_*` environment variables. */
export const coreLayerConfig: Layer.Layer<Core, DatabaseError | MigrationError> = coreOn(Database.layerConfig)

/** The core services on a fresh in-memory database per acquisition (`Database.layerMemory`): for specs. */
export const coreLayerMemory: Layer.Layer<Core, DatabaseError | MigrationError> = Layer.suspend(() =>
  coreOn(Database.layerMemory)
)
