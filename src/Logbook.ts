/**
 * logbook in one layer: every store on one database, plus the helpers that
 * keep persistence failures out of the agent's flow.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AgentRegistry } from "./AgentRegistry.js"
import { AuditLog } from "./AuditLog.js"
import { ConfigStore } from "./ConfigStore.js"
import { type Core, coreLayer, coreLayerMemory } from "./Core.js"
import type { DatabaseOptions } from "./Database.js"
import type { DatabaseError, MigrationError } from "./Errors.js"
import { ExecutionTracker } from "./ExecutionTracker.js"
import { LessonsStore } from "./LessonsStore.js"
import { RecordStore } from "./RecordStore.js"
import { StateStore } from "./StateStore.js"
import { TrajectoryStore } from "./TrajectoryStore.js"
import { WriteBehind } from "./writeBehind/WriteBehind.js"

export { bestEffort, orLog } from "./BestEffort.js"
/** Records every call of an `@effect/ai` `LanguageModel` as LLM usage: see `LanguageModelRecorder`. */
export { layer as recordLanguageModel } from "./ai/LanguageModelRecorder.js"

/** Every service that {@link layer} provides. */
export type Services =
  | Core
  | StateStore
  | AuditLog
  | LessonsStore
  | ExecutionTracker
  | TrajectoryStore
  | RecordStore
  | ConfigStore
  | AgentRegistry

const stores = Layer.mergeAll(
  StateStore.DefaultWithoutDependencies,
  AuditLog.DefaultWithoutDependencies,
  LessonsStore.DefaultWithoutDependencies,
  ExecutionTracker.DefaultWithoutDependencies,
  TrajectoryStore.DefaultWithoutDependencies,
  RecordStore.DefaultWithoutDependencies,
  ConfigStore.DefaultWithoutDependencies,
  AgentRegistry.DefaultWithoutDependencies
)

/**
 * Every store and the `Database` on one database (default
 * `./.logbook/logbook.db`), migrated when acquired. Releasing the layer
 * flushes write-behind records and closes the database.
 */
export const layer = (options?: DatabaseOptions): Layer.Layer<Services, DatabaseError | MigrationError> =>
  stores.pipe(Layer.provideMerge(coreLayer(options)))

/** {@link layer} on a fresh, migrated in-memory SQLite database per acquisition: for specs. */
export const layerMemory: Layer.Layer<Services, DatabaseError | MigrationError> = stores.pipe(
  Layer.provideMerge(coreLayerMemory)
)

/** Waits until everything recorded so far (write-behind) is durable: in the database, or in the spool while it is unavailable. */
export const flush: Effect.Effect<void, never, WriteBehind> = Effect.flatMap(WriteBehind, (writeBehind) => writeBehind.flush)
