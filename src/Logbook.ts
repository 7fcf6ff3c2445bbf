/**
 * logbook in one layer: every store on one database, plus the helpers that
 * keep persistence failures out of the agent's flow.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { AgentRegistry } from "./AgentRegistry.js"
import { AuditLog } from "./AuditLog.js"
import { ConfigStore } from "./ConfigStore.js"
import { acquireCore, type Core } from "./Core.js"
import { acquireDatabase, Database, type DatabaseOptions } from "./Database.js"
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

/**
 * Builds the stores one after the other on the core services, in one layer:
 * merged as a graph of layers, each store's layer would cost more to wire
 * (memoization, scopes, fibers) than the store costs to build.
 */
const withStores = <E>(core: Effect.Effect<Context.Context<Core>, E, Scope.Scope>): Layer.Layer<Services, E> =>
  Layer.scopedContext(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const memoMap = yield* Layer.makeMemoMap
    const context = yield* core
    const build = <S>(store: Layer.Layer<S, never, Core>) =>
      Effect.provide(Layer.buildWithMemoMap(store, memoMap, scope), context)
    return Context.mergeAll(
      context,
      yield* build(StateStore.DefaultWithoutDependencies),
      yield* build(AuditLog.DefaultWithoutDependencies),
      yield* build(LessonsStore.DefaultWithoutDependencies),
      yield* build(ExecutionTracker.DefaultWithoutDependencies),
      yield* build(TrajectoryStore.DefaultWithoutDependencies),
      yield* build(RecordStore.DefaultWithoutDependencies),
      yield* build(ConfigStore.DefaultWithoutDependencies),
      yield* build(AgentRegistry.DefaultWithoutDependencies)
    )
  }))

/**
 * Every store and the `Database` on one database (default
 * `./.logbook/logbook.db`), migrated when acquired. Releasing the layer
 * flushes write-behind records and closes the database.
 */
export const layer = (options?: DatabaseOptions): Layer.Layer<Services, DatabaseError | MigrationError> =>
  withStores(acquireCore(acquireDatabase(options)))

/** {@link layer} on a fresh, migrated in-memory SQLite database per acquisition: for specs. */
export const layerMemory: Layer.Layer<Services, DatabaseError | MigrationError> = withStores(
  acquireCore(Effect.suspend(() => Layer.build(Database.layerMemory)))
)

/** Waits until everything recorded so far (write-behind) is durable: in the database, or in the spool while it is unavailable. */
export const flush: Effect.Effect<void, never, WriteBehind> = Effect.flatMap(WriteBehind, (writeBehind) => writeBehind.flush)
