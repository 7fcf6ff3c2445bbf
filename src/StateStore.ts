/**
 * The `StateStore`: each task's workflow state and context, its append-only
 * history of transitions and its checkpoints, with an atomic compare-and-set
 * transition.
 *
 * How `save` treats what it is given:
 * - the state, project and context replace the stored ones;
 * - history is append-only: with `n` transitions stored, only the caller's
 *   transitions after the first `n` are appended (none when the caller's
 *   history holds exactly `n`); stored transitions are never rewritten,
 *   whatever the caller passes;
 * - `save` is a compare-and-set on the state the caller's copy was in: a
 *   caller's history SHORTER than the stored one, or one whose transition at
 *   the number of the last stored one differs from it (someone else moved
 *   the task after the copy was loaded, and the caller appended its own move
 *   over the same step), means its copy is stale: the save fails with
 *   `StaleState` and writes nothing, so it never undoes another caller's
 *   transition nor leaves `state` at odds with the last transition;
 * - `context.checkpoints` are stored as checkpoint rows: a checkpoint whose
 *   id is not stored yet is inserted, one already stored is left as it is
 *   (never rewritten), and a stored checkpoint missing from the list is kept.
 *   The stored context leaves them out: `load` rebuilds `context.checkpoints`
 *   from the rows, oldest first. A checkpoint's own context is stored without
 *   its `checkpoints` member.
 *
 * Every context, metadata and artifact goes through the `Redactor` first.
 * JSON is stored as `JSON.stringify` text and read with `JSON.parse`, so
 * unicode, nesting, large values and numbers come back as they went in.
 *
 * @module
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { randomUUID } from "node:crypto"
import { coreLayerConfig } from "./Core.js"
import { Database } from "./Database.js"
import { withDatabaseErrors } from "./database/SqlFailure.js"
import { type DatabaseError, NotFound, StaleState, type ValidationError } from "./Errors.js"
import { Redactor } from "./redaction/Redactor.js"
import { omitKey } from "./state/Json.js"
import {
  type Checkpoint,
  CheckpointRequest,
  type StatePage,
  type PersistedState,
  type Transition,
  PersistedStateInput,
  TransitionRequest
} from "./state/PersistedState.js"
import { ownCheckpoints, storedCheckpointsConflict } from "./state/SaveChecks.js"
import {
  type CurrentOptions,
  type CurrentState,
  type HistoryPage,
  StepRequest,
  type StepResult
} from "./state/Current.js"
import { makeGroupCommit } from "./state/GroupCommit.js"
import * as Queries from "./state/Queries.js"
import { decodeStates } from "./state/StateRows.js"
import {
  decodeTaskSummaries,
  TaskFilter as TaskFilterSchema,
  type TaskFilter,
  type TaskPage
} from "./state/TaskSummary.js"
import { Page } from "./domain/Page.js"
import { parameterChunks, type Sql } from "./database/Dialect.js"
import { now } from "./domain/Timestamp.js"
import { checkStoredInput, validate } from "./Validation.js"
import { eachWithIdentifiers, withIdentifiers } from "./redaction/Identifiers.js"

export * from "./state/PersistedState.js"
export * from "./state/Current.js"

/** The event of the transition that `restore` records; its metadata is `{ checkpointId }`. */
export const RESTORE_EVENT = "RESTORE"

/** `rows` in chunks under the dialect's parameter limit, one bound parameter per column. */
const chunksOf = <A extends object>(sql: Sql, rows: ReadonlyArray<A>): ReadonlyArray<ReadonlyArray<A>> =>
  rows.length === 0 ? [] : parameterChunks(sql, rows, Object.keys(rows[0]!).length)

const toCheckpoint = (row: Queries.CheckpointRow): Checkpoint => ({
  id: row.id,
  taskId: row.task_id,
  state: row.state,
  context: row.context,
  artifacts: row.artifacts,
  timestamp: row.created_at
})

const toTransition = (row: Omit<Queries.HistoryRow, "seq">): Transition =>
  row.metadata === null
    ? { from: row.from_state, to: row.to_state, event: row.event, timestamp: row.created_at }
    : { from: row.from_state, to: row.to_state, event: row.event, timestamp: row.created_at, metadata: row.metadata }

const toCurrent = (row: Queries.CurrentRow): CurrentState => ({
  taskId: row.task_id,
  projectId: row.project_id,
  state: row.state,
  context: row.context,
  updatedAt: row.updated_at,
  transitions: row.transitions,
  recent: row.recent.map(([, from, to, event, metadata, at]) =>
    toTransition({ from_state: from, to_state: to, event, metadata, created_at: at })
  ).reverse(),
  checkpoint: row.checkpoint_id === null || row.checkpoint_state === null || row.checkpoint_context === null ||
      row.checkpoint_artifacts === null || row.checkpoint_at === null
    ? Option.none()
    : Option.some({
      id: row.checkpoint_id,
      taskId: row.task_id,
      state: row.checkpoint_state,
      context: row.checkpoint_context,
      artifacts: row.checkpoint_artifacts,
      timestamp: row.checkpoint_at
    })
})

/** The part of a saved copy's history that `save` reads: from the last stored transition on. */
const HistoryTail = Schema.Struct({ history: PersistedStateInput.fields.history })

/** Transitions `current` reads when no number is given. */
const DEFAULT_RECENT = 10
/** Transitions per page of `history` when no limit is given. */
const DEFAULT_HISTORY_PAGE = 100

/** A whole number of at least `min`, or the fallback for anything else. */
const wholeOr = (value: number | undefined, fallback: number, min: number) =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(min, Math.floor(value))

/** Tasks per page of `tasks` when no limit is given. */
const DEFAULT_TASK_PAGE = 50

/** The `StateStore` service. */
export interface StateStoreService {
  /**
   * Saves a task's state in one transaction: state, project and context are
   * replaced, transitions past the stored history appended, unknown
   * checkpoints of `context.checkpoints` inserted (see the module notes).
   * Fails with `ValidationError` (nothing written) on input that does not
   * match {@link PersistedStateInput}, a checkpoint of another task, or a
   * checkpoint id given twice. Fails with `StaleState` (nothing written)
   * when the caller's history is shorter than the stored one or departs from
   * it (the last stored transition differs from the caller's at the same step): its
   * copy was loaded before another caller moved the task; `expected` is the state
   * the copy was in (the `to` of its last transition, else its `state`),
   * `actual` the stored state. Reload, then save again.
   */
  readonly save: (state: PersistedStateInput) => Effect.Effect<void, DatabaseError | ValidationError | StaleState>
  /**
   * One step of a workflow in one transaction (one commit): appends the move
   * to `request.to`, replaces the context when one is given and, with
   * `request.checkpoint`, takes a checkpoint of the task as it is after the
   * move. Its cost does not depend on the length of the history. With
   * `expected`, a compare-and-set as {@link StateStoreService.transition}.
   * Fails with `NotFound` for an unknown task, `StaleState` when the task is
   * not in `expected` (nothing written), `ValidationError` on bad input.
   */
  readonly step: (
    taskId: string,
    request: StepRequest
  ) => Effect.Effect<StepResult, NotFound | StaleState | ValidationError | DatabaseError>
  /**
   * A task's current state and context, its latest checkpoint and its last
   * `options.recent` transitions (default 10), read in one statement whose
   * cost does not grow with the history; none if the task is unknown.
   */
  readonly current: (taskId: string, options?: CurrentOptions) => Effect.Effect<Option.Option<CurrentState>, DatabaseError>
  /** A page of a task's transitions, oldest first: those after number `page.after` (default 0), at most `page.limit` (default 100). */
  readonly history: (taskId: string, page?: HistoryPage) => Effect.Effect<ReadonlyArray<Transition>, DatabaseError>
  /** A task's state, full history and checkpoints; none if the task is unknown. See {@link current} for a read that stays flat. */
  readonly load: (taskId: string) => Effect.Effect<Option.Option<PersistedState>, DatabaseError>
  /**
   * The states of a project's tasks, in creation order (then task id), each
   * with its history and checkpoints. `page.limit` and `page.offset` are
   * rounded down to whole numbers (negative ones read as 0).
   */
  readonly list: (projectId: string, page?: StatePage) => Effect.Effect<ReadonlyArray<PersistedState>, DatabaseError | ValidationError>
  /** Deletes a task with its transitions and checkpoints; false if there was no such task. */
  readonly delete: (taskId: string) => Effect.Effect<boolean, DatabaseError>
  /**
   * Moves a task to `to`, appending the transition, and returns the new
   * state. With `expected`, an atomic compare-and-set: the move happens only
   * if the task is in that state, so of several racing callers (fibers or
   * processes) exactly one wins; the others fail with `StaleState`. Fails
   * with `NotFound` for an unknown task, `ValidationError` on bad input.
   */
  readonly transition: (
    taskId: string,
    request: TransitionRequest
  ) => Effect.Effect<PersistedState, NotFound | StaleState | ValidationError | DatabaseError>
  /**
   * Takes a checkpoint of a task; what `request` leaves out is taken from
   * the task as it is now (its state, its context, no artifacts). Fails with
   * `NotFound` for an unknown task, `ValidationError` on bad input.
   */
  readonly checkpoint: (
    taskId: string,
    request?: CheckpointRequest
  ) => Effect.Effect<Checkpoint, NotFound | ValidationError | DatabaseError>
  /** A task's checkpoints, oldest first; empty for an unknown task. */
  readonly checkpoints: (taskId: string) => Effect.Effect<ReadonlyArray<Checkpoint>, DatabaseError>
  /**
   * Puts a task back to a checkpoint's state and context (the latest when
   * `checkpointId` is left out), records it as a transition with event
   * {@link RESTORE_EVENT} and metadata `{ checkpointId }`, and returns the new
   * state. Checkpoints are kept. Fails with `NotFound` (entity `Task` or
   * `Checkpoint`) when the task or the checkpoint does not exist.
   */
  readonly restore: (taskId: string, checkpointId?: string) => Effect.Effect<PersistedState, NotFound | DatabaseError>
  /**
   * Tasks of every project (or of `filter.projectId`, in `filter.state`),
   * most recently updated first, without their context and history, a page
   * at a time: pass the page's `next` as `after` for the following one.
   * Fails with `ValidationError` on an invalid filter.
   */
  readonly tasks: (filter?: TaskFilter) => Effect.Effect<TaskPage, ValidationError | DatabaseError>
}

const make = Effect.gen(function*() {
  const { sql } = yield* Database
  const redactor = (yield* Redactor).scoped("StateStore")
  // Checkpoints may be exempted on their own: state meant to be replayed byte for byte.
  const checkpointRedactor = redactor.scoped("StateStore.checkpoints")
  // Steps of concurrent fibers share one commit.
  const groupCommit = yield* makeGroupCommit(sql)

  const selectOne = (taskId: string) =>
    Queries.selectStateRows(sql, Queries.oneTask(sql, taskId)).pipe(
      Effect.flatMap(decodeStates),
      Effect.map((states) => Option.fromNullable(states[0]))
    )

  const loaded = (taskId: string) =>
    selectOne(taskId).pipe(
      Effect.flatMap(Option.match({
        onNone: () => new NotFound({ entity: "task", id: taskId }),
        onSome: Effect.succeed
      }))
    )

  /** Why a conditional move wrote nothing: the task is unknown, or not in the expected state. */
  const refused = (taskId: string, expected: string | undefined) =>
    Effect.flatMap(Queries.selectState(sql, taskId), (actual): Effect.Effect<never, NotFound | StaleState> =>
      Option.isNone(actual)
        ? Effect.fail(new NotFound({ entity: "task", id: taskId }))
        : Effect.fail(new StaleState({ taskId, expected: expected ?? actual.value, actual: actual.value })))

  const save = Effect.fn("StateStore.save")(function*(input: PersistedStateInput) {
    // The history is checked below from the last stored transition on: the
    // ones before it are never read nor written, so a save costs the same
    // whatever the length of the history.
    const whole = Array.isArray(input.history) ? { ...input, history: [] } : input
    yield* checkStoredInput("workflow state")(whole)
    const state = yield* validate(PersistedStateInput, "workflow state")(whole)
    const checkpoints = yield* ownCheckpoints(state)
    const at = yield* now
    // The caller's own context object, validated above: decoding rebuilds it
    // key by key, and an own "__proto__" member would not survive that.
    const context = JSON.stringify(redactor.redactJson(omitKey(input.context, "checkpoints")))
    const checkpointRows = checkpoints.map((checkpoint): Queries.CheckpointInsert => ({
      id: checkpoint.id,
      task_id: state.taskId,
      state: checkpoint.state,
      context: JSON.stringify(checkpointRedactor.redactJson(omitKey(checkpoint.context, "checkpoints"))),
      artifacts: JSON.stringify(checkpointRedactor.redactJson(checkpoint.artifacts)),
      created_at: checkpoint.timestamp
    }))
    yield* Effect.gen(function*() {
      // Read first: a stale copy fails without writing (nor locking) anything.
      const stored = yield* Queries.selectStored(sql, {
        taskId: state.taskId,
        checkpointIds: checkpoints.map((checkpoint) => checkpoint.id)
      })
      // The caller's transitions from the last stored one on (from its own
      // last one when it holds fewer), checked.
      const first = Math.max(0, Math.min(stored.transitions, input.history.length) - 1)
      const given = eachWithIdentifiers(redactor, input.history.slice(first), ["from", "to"])
      yield* checkStoredInput("workflow state")({ history: given })
      const tail = yield* validate(HistoryTail, "workflow state")({ history: given })
      // History is append-only: a copy holds every stored transition when it
      // holds the last one, at its number. One comparison, whatever the length.
      const mine = tail.history[stored.transitions - 1 - first]
      const departed = Option.exists(stored.last, ([from, to, timestamp]) =>
        mine === undefined || mine.from !== from || mine.to !== to || mine.timestamp !== timestamp
      )
      if (stored.transitions > input.history.length || departed) {
        return yield* new StaleState({
          taskId: state.taskId,
          expected: tail.history.at(-1)?.to ?? state.state,
          actual: Option.getOrElse(stored.state, () => state.state)
        })
      }
      // Refused when a checkpoint id is another task's.
      yield* storedCheckpointsConflict(state.taskId, checkpoints, stored.checkpoints)
      yield* Queries.upsertState(sql, { taskId: state.taskId, projectId: state.projectId, state: state.state, context, at })

      // Only the transitions past the stored ones are redacted and written.
      const appended = tail.history.slice(stored.transitions - first).map((transition, i): Queries.TransitionInsert => ({
        task_id: state.taskId,
        seq: stored.transitions + i + 1,
        from_state: transition.from,
        to_state: transition.to,
        event: redactor.redactText(transition.event),
        metadata: transition.metadata === undefined ? null : JSON.stringify(redactor.redactJson(transition.metadata)),
        created_at: transition.timestamp
      }))
      for (const chunk of chunksOf(sql, appended)) {
        yield* Queries.insertTransitions(sql, chunk)
      }
      const known = new Set(stored.checkpoints.map(([id]) => id))
      for (const chunk of chunksOf(sql, checkpointRows.filter((row) => !known.has(row.id)))) {
        yield* Queries.insertCheckpoints(sql, chunk)
      }
    }).pipe(sql.withTransaction, withDatabaseErrors("StateStore.save"))
  })

  const load = Effect.fn("StateStore.load")(function*(taskId: string) {
    return yield* selectOne(taskId).pipe(withDatabaseErrors("StateStore.load"))
  })

  const step = Effect.fn("StateStore.step")(function*(taskId: string, request: StepRequest) {
    const move = yield* validate(StepRequest, "step")(request)
    const at = yield* now
    const metadata = move.metadata === undefined ? null : JSON.stringify(redactor.redactJson(move.metadata))
    const context = move.context === undefined
      ? undefined
      : JSON.stringify(redactor.redactJson(omitKey(move.context, "checkpoints")))
    const checkpointId = move.checkpoint === undefined ? undefined : randomUUID()
    const artifacts = JSON.stringify(checkpointRedactor.redactJson(move.checkpoint?.artifacts ?? []))
    const event = redactor.redactText(move.event)
    // One statement: atomic on its own, and one commit (shared with concurrent steps).
    const appended = yield* Queries.step(sql, taskId, {
      to: move.to,
      event,
      metadata,
      expected: move.expected,
      context,
      checkpointId,
      artifacts,
      at
    }).pipe(groupCommit, withDatabaseErrors("StateStore.step"))
    if (Option.isNone(appended)) return yield* refused(taskId, move.expected).pipe(withDatabaseErrors("StateStore.step"))
    const result: StepResult = { taskId, state: move.to, seq: appended.value, checkpointId: Option.fromNullable(checkpointId) }
    return result
  })

  const current = Effect.fn("StateStore.current")(function*(taskId: string, options?: CurrentOptions) {
    const row = yield* Queries.selectCurrent(sql, taskId, wholeOr(options?.recent, DEFAULT_RECENT, 0)).pipe(
      withDatabaseErrors("StateStore.current")
    )
    return Option.map(row, toCurrent)
  })

  const history = Effect.fn("StateStore.history")(function*(taskId: string, page?: HistoryPage) {
    const rows = yield* Queries.selectHistory(
      sql,
      taskId,
      wholeOr(page?.after, 0, 0),
      wholeOr(page?.limit, DEFAULT_HISTORY_PAGE, 0)
    ).pipe(withDatabaseErrors("StateStore.history"))
    return rows.map(toTransition)
  })

  const list = Effect.fn("StateStore.list")(function*(projectId: string, page?: StatePage) {
    const valid = yield* validate(Page, "page")(page ?? {})
    return yield* Queries.selectStateRows(sql, Queries.projectTasks(sql, projectId, valid.limit, valid.offset ?? 0)).pipe(
      Effect.flatMap(decodeStates),
      withDatabaseErrors("StateStore.list")
    )
  })

  const delete_ = Effect.fn("StateStore.delete")(function*(taskId: string) {
    return yield* Queries.deleteTask(sql, taskId).pipe(withDatabaseErrors("StateStore.delete"))
  })

  const transition = Effect.fn("StateStore.transition")(function*(taskId: string, request: TransitionRequest) {
    yield* checkStoredInput("transition")({ taskId, ...request })
    const move = yield* validate(TransitionRequest, "transition")(request)
    const at = yield* now
    const metadata = move.metadata === undefined ? null : JSON.stringify(redactor.redactJson(move.metadata))
    const event = redactor.redactText(move.event)
    return yield* Effect.gen(function*() {
      // The compare-and-set is this one conditional write: it reads the
      // current state under the write lock and appends only if it matches.
      const appended = yield* Queries.appendTransition(sql, taskId, { to: move.to, event, metadata, expected: move.expected, at })
      if (Option.isNone(appended)) return yield* refused(taskId, move.expected)
      yield* Queries.moveTask(sql, taskId, { to: move.to, at })
      return yield* loaded(taskId)
    }).pipe(sql.withTransaction, withDatabaseErrors("StateStore.transition"))
  })

  const checkpoint = Effect.fn("StateStore.checkpoint")(function*(taskId: string, request: CheckpointRequest = {}) {
    yield* checkStoredInput("checkpoint")({ taskId, ...request })
    const wanted = yield* validate(CheckpointRequest, "checkpoint")(request)
    const at = yield* now
    const taken = yield* Queries.takeCheckpoint(sql, taskId, {
      id: randomUUID(),
      state: wanted.state,
      context: wanted.context === undefined
        ? undefined
        : JSON.stringify(checkpointRedactor.redactJson(omitKey(wanted.context, "checkpoints"))),
      artifacts: JSON.stringify(checkpointRedactor.redactJson(wanted.artifacts ?? [])),
      at
    }).pipe(withDatabaseErrors("StateStore.checkpoint"))
    if (Option.isNone(taken)) return yield* new NotFound({ entity: "task", id: taskId })
    return toCheckpoint(taken.value)
  })

  const checkpoints = Effect.fn("StateStore.checkpoints")(function*(taskId: string) {
    const rows = yield* Queries.selectCheckpoints(sql, taskId).pipe(withDatabaseErrors("StateStore.checkpoints"))
    return rows.map(toCheckpoint)
  })

  const restore = Effect.fn("StateStore.restore")(function*(taskId: string, checkpointId?: string) {
    const at = yield* now
    return yield* Effect.gen(function*() {
      const point = yield* Queries.selectRestorePoint(sql, taskId, checkpointId)
      if (Option.isNone(point)) {
        return yield* Option.isNone(yield* Queries.selectState(sql, taskId))
          ? new NotFound({ entity: "task", id: taskId })
          : new NotFound({ entity: "checkpoint", id: checkpointId ?? `latest of task ${taskId}` })
      }
      yield* Queries.appendTransition(sql, taskId, {
        to: point.value.state,
        event: RESTORE_EVENT,
        metadata: JSON.stringify({ checkpointId: point.value.id }),
        at
      })
      yield* Queries.restoreTask(sql, taskId, point.value.id, at)
      return yield* loaded(taskId)
    }).pipe(sql.withTransaction, withDatabaseErrors("StateStore.restore"))
  })

  const tasks = Effect.fn("StateStore.tasks")(function*(filter?: TaskFilter) {
    const valid = yield* validate(TaskFilterSchema, "task filter")(filter ?? {})
    const limit = valid.limit ?? DEFAULT_TASK_PAGE
    // One row more than the page tells that a page follows.
    const rows = yield* Effect.flatMap(Queries.selectTaskSummaries(sql, valid, limit + 1), decodeTaskSummaries)
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const result: TaskPage = {
      tasks: page,
      next: rows.length > limit && last !== undefined
        ? Option.some({ updatedAt: last.updatedAt, taskId: last.taskId })
        : Option.none()
    }
    return result
  }, withDatabaseErrors("StateStore.tasks"))

  // Every identifier is stored redacted (a stable placeholder), and looked up the same way.
  const id = redactor.redactIdentifier
  const service: StateStoreService = {
    // The identifiers of the history are redacted by `save`, on the part it reads.
    save: (state) => save(withIdentifiers(redactor, state, ["taskId", "projectId", "state"])),
    step: (taskId, request) => step(id(taskId), withIdentifiers(redactor, request, ["to", "expected"])),
    current: (taskId, options) => current(id(taskId), options),
    history: (taskId, page) => history(id(taskId), page),
    load: (taskId) => load(id(taskId)),
    list: (projectId, page) => list(id(projectId), page),
    delete: (taskId) => delete_(id(taskId)),
    transition: (taskId, request) => transition(id(taskId), withIdentifiers(redactor, request, ["to", "expected"])),
    checkpoint: (taskId, request) => checkpoint(id(taskId), withIdentifiers(redactor, request, ["state"])),
    checkpoints: (taskId) => checkpoints(id(taskId)),
    restore: (taskId, checkpointId) => restore(id(taskId), checkpointId === undefined ? undefined : id(checkpointId)),
    tasks
  }
  return service
})

/**
 * Workflow state, transitions and checkpoints. `StateStore.Default` opens
 * the database named by the `LOGBOOK_*` environment variables;
 * `StateStore.DefaultWithoutDependencies` needs the core services (`Core`).
 */
export class StateStore extends Effect.Service<StateStore>()("logbook/StateStore", {
  scoped: make,
  dependencies: [coreLayerConfig]
}) {}
