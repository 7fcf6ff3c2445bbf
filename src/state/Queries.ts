/**
 * Every statement of the `StateStore`, one builder per statement, each
 * decoding its rows with column schemas that accept what either driver
 * returns (`database/Columns.ts`).
 *
 * Most statements are the same SQL on SQLite and PostgreSQL. Dialect
 * variants, each chosen here with `sql.onDialectOrElse`:
 * - the lookup of stored checkpoints of {@link selectStored} (a JSON table
 *   function and a JSON array aggregate on each dialect);
 * - the last transitions of {@link selectCurrent}, aggregated into one JSON
 *   array, and the key its latest checkpoint is read by (SQLite's rowid,
 *   PostgreSQL's id);
 * - the insertion order of checkpoints, which breaks ties between
 *   checkpoints of the same millisecond (SQLite's row id; the identity
 *   column `seq` on PostgreSQL, migration 0013);
 * - the join that keeps a page of tasks as the outer loop of
 *   {@link selectStateRows} (`CROSS JOIN ... ON` on SQLite, a plain join on
 *   PostgreSQL, whose planner needs no hint);
 * - a page without a limit (`Dialect.page`).
 *
 * JSON columns are read as the JSON text that was written (SQLite's `TEXT`,
 * PostgreSQL's `json`) and parsed in JavaScript, never rewritten by the
 * database's JSON functions, so numbers and member order come back as they
 * went in.
 *
 * On PostgreSQL transactions are serializable (`database/Postgres.ts`): the
 * conditional writes below are compare-and-sets there too, a racing writer's
 * transaction failing as `Busy` and retried whole.
 *
 * @module
 */
import type { SqlError } from "@effect/sql/SqlError"
import type * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Json, Num, Stamp } from "../database/Columns.js"
import { page, type Sql, unsupported } from "../database/Dialect.js"
import { decodeCommonRows, DECLINED, isNullableText, parsedJson, parsedJsonObject } from "../database/Rows.js"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { JsonObjectColumn } from "./Json.js"

/** How a statement of this module fails: the driver, or a row that does not match its schema. */
export type Failure = SqlError | ParseResult.ParseError

const decode = <A, I>(schema: Schema.Schema<A, I>) => Effect.flatMap(Schema.decodeUnknown(schema))

/** A JSON array column (artifacts). */
const JsonArray = Json(Schema.Array(Schema.Unknown))

/** The insertion order of checkpoints (alias `alias`), the tie-break after `created_at`. */
const checkpointOrder = (sql: Sql, alias: string): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`${sql(alias)}.rowid`,
    pg: () => sql`${sql(alias)}.seq`,
    orElse: unsupported(sql)
  })

// ---------------------------------------------------------------------------
// save

/** The caller's copy that `save` checks against what is stored. */
export interface SavedCopy {
  readonly taskId: string
  /** The ids of the caller's checkpoints. */
  readonly checkpointIds: ReadonlyArray<string>
}

const StoredRows = Schema.Array(Schema.Struct({
  state: Schema.NullOr(Schema.String),
  stored_transitions: Num,
  last_from: Schema.NullOr(Schema.String),
  last_to: Schema.NullOr(Schema.String),
  last_at: Schema.NullOr(Schema.String),
  stored_checkpoints: Json(Schema.Array(Schema.Tuple(Schema.String, Schema.String)))
}))

/** What is stored of a task that `save` is about to write. */
export interface Stored {
  /** The stored state; none for a new task. */
  readonly state: Option.Option<string>
  /** How many transitions are stored. */
  readonly transitions: number
  /** The last stored transition (number `transitions`): from, to and timestamp; none without transitions. */
  readonly last: Option.Option<readonly [from: string, to: string, timestamp: string]>
  /** The stored `[id, taskId]` pairs among the copy's checkpoint ids. */
  readonly checkpoints: ReadonlyArray<readonly [id: string, taskId: string]>
}

/**
 * What is stored of the task that a copy is saved over, in one read whose
 * cost does not grow with the history: its state, how many transitions it
 * has and the last of them (through `(task_id, seq)`), and which of the
 * copy's checkpoint ids are stored. Read before anything is written: a
 * stale copy fails without taking a row lock, so racing writers on
 * PostgreSQL do not make it wait and retry.
 */
export const selectStored = (sql: Sql, copy: SavedCopy): Effect.Effect<Stored, Failure> => {
  const ids = JSON.stringify(copy.checkpointIds)
  const storedCheckpoints = copy.checkpointIds.length === 0
    ? sql`'[]'`
    : sql.onDialectOrElse({
      sqlite: () =>
        sql`(SELECT json_group_array(json_array(id, task_id)) FROM checkpoints
          WHERE id IN (SELECT value FROM json_each(${ids})))`,
      pg: () =>
        sql`(SELECT COALESCE(json_agg(json_build_array(id, task_id)), '[]') FROM checkpoints
          WHERE id IN (SELECT json_array_elements_text(${ids}::json)))`,
      orElse: unsupported(sql)
    })
  return sql`SELECT (SELECT state FROM workflow_states WHERE task_id = ${copy.taskId}) AS state,
      COALESCE(last.seq, 0) AS stored_transitions, last.from_state AS last_from, last.to_state AS last_to,
      last.created_at AS last_at, ${storedCheckpoints} AS stored_checkpoints
    FROM (SELECT 1 AS one) AS here
    LEFT JOIN (SELECT seq, from_state, to_state, created_at FROM state_transitions
      WHERE task_id = ${copy.taskId} ORDER BY seq DESC LIMIT 1) AS last ON true`.pipe(
    decode(StoredRows),
    Effect.map(([row]) => ({
      state: Option.fromNullable(row?.state),
      transitions: row?.stored_transitions ?? 0,
      last: row === undefined || row.last_from === null || row.last_to === null || row.last_at === null
        ? Option.none()
        : Option.some([row.last_from, row.last_to, row.last_at] as const),
      checkpoints: row?.stored_checkpoints ?? []
    }))
  )
}

/** Inserts the task, or replaces its state, project and context (JSON text). */
export const upsertState = (
  sql: Sql,
  values: {
    readonly taskId: string
    readonly projectId: string
    readonly state: string
    readonly context: string
    readonly at: string
  }
) =>
  sql`INSERT INTO workflow_states (task_id, project_id, state, context, created_at, updated_at)
    VALUES (${values.taskId}, ${values.projectId}, ${values.state}, ${values.context}, ${values.at}, ${values.at})
    ON CONFLICT (task_id) DO UPDATE SET
      project_id = excluded.project_id, state = excluded.state,
      context = excluded.context, updated_at = excluded.updated_at`

/** A row of `state_transitions` to insert; `metadata` is JSON text. */
export interface TransitionInsert {
  readonly task_id: string
  readonly seq: number
  readonly from_state: string
  readonly to_state: string
  readonly event: string
  readonly metadata: string | null
  readonly created_at: string
}

/** Inserts transitions (one chunk under the parameter limit: `Dialect.parameterChunks`). */
export const insertTransitions = (sql: Sql, rows: ReadonlyArray<TransitionInsert>) =>
  sql`INSERT INTO state_transitions ${sql.insert(rows.map((row) => ({ ...row })))}`

/** A row of `checkpoints` to insert; `context` and `artifacts` are JSON text. */
export interface CheckpointInsert {
  readonly id: string
  readonly task_id: string
  readonly state: string
  readonly context: string
  readonly artifacts: string
  readonly created_at: string
}

/** Inserts checkpoints (one chunk under the parameter limit: `Dialect.parameterChunks`). */
export const insertCheckpoints = (sql: Sql, rows: ReadonlyArray<CheckpointInsert>) =>
  sql`INSERT INTO checkpoints ${sql.insert(rows.map((row) => ({ ...row })))}`

// ---------------------------------------------------------------------------
// moves

const StateOnly = Schema.Array(Schema.Struct({ state: Schema.String }))

/** The task's current state; none for an unknown task. */
export const selectState = (sql: Sql, taskId: string): Effect.Effect<Option.Option<string>, Failure> =>
  sql`SELECT state FROM workflow_states WHERE task_id = ${taskId}`.pipe(
    decode(StateOnly),
    Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.state))
  )

const Appended = Schema.Array(Schema.Struct({ seq: Num }))

/** A move of a task to `to` (metadata as JSON text), only from `expected` when given. */
interface Move {
  readonly to: string
  readonly event: string
  readonly metadata: string | null
  readonly expected?: string | undefined
  readonly at: string
}

/**
 * Appends a transition from the task's current state and returns its `seq`;
 * none when the task is unknown or (with `expected`) not in that state. The
 * compare-and-set is this one conditional write, under the write lock.
 */
export const appendTransition = (
  sql: Sql,
  taskId: string,
  values: Move
): Effect.Effect<Option.Option<number>, Failure> =>
  sql`INSERT INTO state_transitions (task_id, seq, from_state, to_state, event, metadata, created_at)
    SELECT w.task_id,
      COALESCE((SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = w.task_id), 0) + 1,
      w.state, ${values.to}, ${values.event}, ${values.metadata}, ${values.at}
    FROM workflow_states w
    WHERE w.task_id = ${taskId}${values.expected === undefined ? sql`` : sql` AND w.state = ${values.expected}`}
    RETURNING seq`.pipe(
    decode(Appended),
    Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.seq))
  )

/** The message of SQLite's refusal of a step (migration 0014): the task is unknown or not in the expected state. */
const STEP_REFUSED = "logbook: step refused"

const isStepRefusal = (error: SqlError) => error.cause instanceof Error && error.cause.message === STEP_REFUSED

/**
 * One workflow step as one statement, an insert into the view
 * `workflow_steps` (migration 0014): appends the move from the task's
 * current state to `to`, moves the task, replaces its context (JSON text)
 * when one is given and, with `checkpointId`, checkpoints the task as it is
 * after the move (`artifacts`: JSON text). Returns the new transition's
 * number; none when the task is unknown or (with `expected`) not in that
 * state, and then nothing is written.
 */
export const step = (
  sql: Sql,
  taskId: string,
  values: Move & {
    readonly context: string | undefined
    readonly checkpointId: string | undefined
    readonly artifacts: string
  }
): Effect.Effect<Option.Option<number>, Failure> => {
  const insert = sql`INSERT INTO workflow_steps (task_id, to_state, event, metadata, expected, context, checkpoint_id, artifacts, at)
    VALUES (${taskId}, ${values.to}, ${values.event}, ${values.metadata}, ${values.expected ?? null}, ${values.context ?? null},
      ${values.checkpointId ?? null}, ${values.checkpointId === undefined ? null : values.artifacts}, ${values.at})`
  return sql.onDialectOrElse({
    // SQLite returns the view's row as given: the number is read after the trigger ran.
    sqlite: () =>
      sql`${insert} RETURNING (SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = workflow_steps.task_id) AS seq`.pipe(
        Effect.catchIf(isStepRefusal, () => Effect.succeed([]))
      ),
    pg: () => sql`${insert} RETURNING seq`,
    orElse: unsupported(sql)
  }).pipe(
    decode(Appended),
    Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.seq))
  )
}

/** Moves the task to `to`, replacing its context (JSON text) when one is given. */
export const moveTask = (
  sql: Sql,
  taskId: string,
  values: { readonly to: string; readonly context?: string | undefined; readonly at: string }
) =>
  values.context === undefined
    ? sql`UPDATE workflow_states SET state = ${values.to}, updated_at = ${values.at} WHERE task_id = ${taskId}`
    : sql`UPDATE workflow_states SET state = ${values.to}, context = ${values.context}, updated_at = ${values.at}
      WHERE task_id = ${taskId}`

/** Deletes the task, its transitions and checkpoints going with it (ON DELETE CASCADE); whether it existed. */
export const deleteTask = (sql: Sql, taskId: string): Effect.Effect<boolean, Failure> =>
  sql`DELETE FROM workflow_states WHERE task_id = ${taskId} RETURNING task_id`.pipe(
    Effect.map((rows) => rows.length > 0)
  )

// ---------------------------------------------------------------------------
// checkpoints

const CheckpointRows = Schema.Array(Schema.Struct({
  id: Schema.String,
  task_id: Schema.String,
  state: Schema.String,
  context: JsonObjectColumn,
  artifacts: JsonArray,
  created_at: Stamp
}))

/** A checkpoint row as read. */
export type CheckpointRow = typeof CheckpointRows.Type[number]

/**
 * Takes a checkpoint of the task and returns it: `state` and `context` (JSON
 * text) when given, else the task's own. None for an unknown task.
 */
export const takeCheckpoint = (
  sql: Sql,
  taskId: string,
  values: {
    readonly id: string
    readonly state: string | undefined
    readonly context: string | undefined
    readonly artifacts: string
    readonly at: string
  }
): Effect.Effect<Option.Option<CheckpointRow>, Failure> =>
  sql`INSERT INTO checkpoints (id, task_id, state, context, artifacts, created_at)
    SELECT ${values.id}, task_id, ${values.state ?? sql`state`}, ${values.context ?? sql`context`}, ${values.artifacts}, ${values.at}
    FROM workflow_states WHERE task_id = ${taskId}
    RETURNING id, task_id, state, context, artifacts, created_at`.pipe(
    decode(CheckpointRows),
    Effect.map((rows) => Option.fromNullable(rows[0]))
  )

/** A task's checkpoints, oldest first (then in insertion order). */
export const selectCheckpoints = (sql: Sql, taskId: string): Effect.Effect<ReadonlyArray<CheckpointRow>, Failure> =>
  sql`SELECT id, task_id, state, context, artifacts, created_at FROM checkpoints c
    WHERE task_id = ${taskId} ORDER BY created_at, ${checkpointOrder(sql, "c")}`.pipe(decode(CheckpointRows))

const RestorePoints = Schema.Array(Schema.Struct({ id: Schema.String, state: Schema.String }))

/** The checkpoint `restore` goes back to: `checkpointId` of the task, or its latest. None when there is none. */
export const selectRestorePoint = (
  sql: Sql,
  taskId: string,
  checkpointId: string | undefined
): Effect.Effect<Option.Option<typeof RestorePoints.Type[number]>, Failure> =>
  sql`SELECT c.id, c.state FROM checkpoints c
    WHERE c.task_id = ${taskId}${checkpointId === undefined ? sql`` : sql` AND c.id = ${checkpointId}`}
    ORDER BY c.created_at DESC, ${checkpointOrder(sql, "c")} DESC LIMIT 1`.pipe(
    decode(RestorePoints),
    Effect.map((rows) => Option.fromNullable(rows[0]))
  )

/** Puts the task back to the checkpoint's state and context. */
export const restoreTask = (sql: Sql, taskId: string, checkpointId: string, at: string) =>
  sql`UPDATE workflow_states
    SET (state, context) = (SELECT state, context FROM checkpoints WHERE id = ${checkpointId}),
      updated_at = ${at}
    WHERE task_id = ${taskId}`

// ---------------------------------------------------------------------------
// reads

/** A stored transition as a tuple: seq, from, to, event, metadata (JSON, or JSON text, or null), timestamp. */
const TransitionTuple = Schema.Tuple(
  Num,
  Schema.String,
  Schema.String,
  Schema.String,
  Schema.NullOr(JsonObjectColumn),
  Schema.String
)

const CurrentRows = Schema.Array(Schema.Struct({
  task_id: Schema.String,
  project_id: Schema.String,
  state: Schema.String,
  context: JsonObjectColumn,
  updated_at: Stamp,
  transitions: Num,
  recent: Json(Schema.Array(TransitionTuple)),
  checkpoint_id: Schema.NullOr(Schema.String),
  checkpoint_state: Schema.NullOr(Schema.String),
  checkpoint_context: Schema.NullOr(JsonObjectColumn),
  checkpoint_artifacts: Schema.NullOr(JsonArray),
  checkpoint_at: Schema.NullOr(Stamp)
}))

/** The row {@link selectCurrent} reads. */
export type CurrentRow = typeof CurrentRows.Type[number]

type Transitions = CurrentRow["recent"]

/** The last transitions as SQLite aggregates them (JSON text of 6-tuples, metadata as JSON text), parsed. */
const recentText = (value: unknown): Transitions | typeof DECLINED => {
  const parsed = parsedJson(value)
  if (!Array.isArray(parsed)) return DECLINED
  const recent: Array<Transitions[number]> = []
  for (const item of parsed) {
    if (!Array.isArray(item) || item.length !== 6) return DECLINED
    const [seq, from, to, event, metadata, at]: ReadonlyArray<unknown> = item
    if (
      typeof seq !== "number" || typeof from !== "string" || typeof to !== "string" || typeof event !== "string" ||
      typeof at !== "string"
    ) return DECLINED
    const meta = metadata === null ? null : parsedJsonObject(metadata)
    if (meta === DECLINED) return DECLINED
    recent.push([seq, from, to, event, meta, at])
  }
  return recent
}

/** The row of {@link selectCurrent} as SQLite returns a well-formed one, as `CurrentRows` decodes it, or declined. */
const commonCurrent = (row: Readonly<Record<string, unknown>>): CurrentRow | typeof DECLINED => {
  const { task_id, project_id, state, updated_at, transitions, checkpoint_id, checkpoint_state, checkpoint_at } = row
  if (
    typeof task_id !== "string" || typeof project_id !== "string" || typeof state !== "string" ||
    typeof updated_at !== "string" || typeof transitions !== "number" || !isNullableText(checkpoint_id) ||
    !isNullableText(checkpoint_state) || !isNullableText(checkpoint_at)
  ) return DECLINED
  const context = parsedJsonObject(row.context)
  const recent = recentText(row.recent)
  const checkpointContext = row.checkpoint_context === null ? null : parsedJsonObject(row.checkpoint_context)
  const artifacts = row.checkpoint_artifacts === null ? null : parsedJson(row.checkpoint_artifacts)
  if (
    context === DECLINED || recent === DECLINED || checkpointContext === DECLINED ||
    !(artifacts === null || Array.isArray(artifacts))
  ) return DECLINED
  return {
    task_id,
    project_id,
    state,
    context,
    updated_at,
    transitions,
    recent,
    checkpoint_id,
    checkpoint_state,
    checkpoint_context: checkpointContext,
    checkpoint_artifacts: artifacts,
    checkpoint_at
  }
}

const decodeCurrentRows = decodeCommonRows(commonCurrent, onFirstCall(() => Schema.decodeUnknownEither(CurrentRows)))

/**
 * The key the latest checkpoint is read by in {@link selectCurrent}: on
 * SQLite its rowid, which the `(task_id, created_at)` index carries, so the
 * row is read straight from the table instead of through the id's index;
 * on PostgreSQL its id (primary key).
 */
const latestCheckpointKey = (sql: Sql, alias: string): Statement.Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`${sql(alias)}.rowid`,
    pg: () => sql`${sql(alias)}.id`,
    orElse: unsupported(sql)
  })

/**
 * `LIMIT` of the last transitions in {@link selectCurrent}, written into the
 * statement: SQLite runs the aggregate over a constant limit in about half
 * the time it takes with the limit as a parameter (measured: 13 µs against
 * 24 µs for 10 transitions). `recent` is a whole number; each distinct one
 * is a statement of its own in the driver's cache.
 */
const recentLimit = (sql: Sql, recent: number): Statement.Fragment =>
  sql.literal(String(Math.min(Math.max(0, Math.floor(recent)), Number.MAX_SAFE_INTEGER)))

/**
 * A task's current state and context, its number of transitions, its last
 * `recent` transitions (newest first) and its latest checkpoint, in one
 * statement whose cost does not depend on the length of the history: the
 * transitions are read backwards through `(task_id, seq)`, the checkpoint
 * through `(task_id, created_at)`.
 */
export const selectCurrent = (sql: Sql, taskId: string, recent: number): Effect.Effect<Option.Option<CurrentRow>, Failure> =>
  sql`SELECT w.task_id, w.project_id, w.state, w.context, w.updated_at,
      COALESCE((SELECT MAX(t.seq) FROM state_transitions t WHERE t.task_id = w.task_id), 0) AS transitions,
      ${
    sql.onDialectOrElse({
      sqlite: () =>
        sql`(SELECT json_group_array(json_array(seq, from_state, to_state, event, metadata, created_at))
          FROM (SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions
            WHERE task_id = w.task_id ORDER BY seq DESC LIMIT ${recentLimit(sql, recent)}))`,
      pg: () =>
        sql`(SELECT COALESCE(json_agg(json_build_array(seq, from_state, to_state, event, metadata, created_at) ORDER BY seq DESC), '[]')
          FROM (SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions
            WHERE task_id = w.task_id ORDER BY seq DESC LIMIT ${recentLimit(sql, recent)}) AS r)`,
      orElse: unsupported(sql)
    })
  } AS recent,
      c.id AS checkpoint_id, c.state AS checkpoint_state, c.context AS checkpoint_context,
      c.artifacts AS checkpoint_artifacts, c.created_at AS checkpoint_at
    FROM workflow_states w
    LEFT JOIN checkpoints c ON ${latestCheckpointKey(sql, "c")} = (
      SELECT ${latestCheckpointKey(sql, "l")} FROM checkpoints l WHERE l.task_id = w.task_id
      ORDER BY l.created_at DESC, ${checkpointOrder(sql, "l")} DESC LIMIT 1
    )
    WHERE w.task_id = ${taskId}`.pipe(Effect.flatMap(decodeCurrentRows), Effect.map((rows) => Option.fromNullable(rows[0])))

const HistoryRows = Schema.Array(Schema.Struct({
  seq: Num,
  from_state: Schema.String,
  to_state: Schema.String,
  event: Schema.String,
  metadata: Schema.NullOr(JsonObjectColumn),
  created_at: Stamp
}))

/** The row {@link selectHistory} reads. */
export type HistoryRow = typeof HistoryRows.Type[number]

/** A page of a task's transitions, oldest first, after transition number `after`. */
export const selectHistory = (
  sql: Sql,
  taskId: string,
  after: number,
  limit: number
): Effect.Effect<ReadonlyArray<HistoryRow>, Failure> =>
  sql`SELECT seq, from_state, to_state, event, metadata, created_at FROM state_transitions
    WHERE task_id = ${taskId} AND seq > ${after} ORDER BY seq LIMIT ${limit}`.pipe(decode(HistoryRows))

/** The page of {@link selectStateRows} holding one task. */
export const oneTask = (sql: Sql, taskId: string): Statement.Fragment =>
  sql`SELECT task_id, 0 AS pos FROM workflow_states WHERE task_id = ${taskId}`

/** The page of {@link selectStateRows} of a project's tasks, in creation order (then task id); every one after `offset` without `limit`. */
export const projectTasks = (sql: Sql, projectId: string, limit: number | undefined, offset: number): Statement.Fragment =>
  sql`SELECT task_id, ROW_NUMBER() OVER (ORDER BY created_at, task_id) AS pos
    FROM workflow_states WHERE project_id = ${projectId}
    ORDER BY created_at, task_id ${page(sql, limit, offset)}`

/**
 * The rows of the tasks that `tasks` selects (a query of `task_id` and its
 * position `pos`: {@link oneTask}, {@link projectTasks}) with their full
 * history and checkpoints, in page order, as the rows of one `UNION ALL`
 * statement told apart by `kind` (`state/StateRows.ts` decodes and assembles
 * them). Within a task: its checkpoints (by time, then insertion), its state,
 * its transitions (by number).
 */
export const selectStateRows = (sql: Sql, tasks: Statement.Fragment) => {
  // SQLite: CROSS JOIN keeps the page as the outer loop, so each task's rows
  // are found through the task_id indexes instead of a scan of every task's.
  const join = sql.onDialectOrElse({
    sqlite: () => sql.literal("CROSS JOIN"),
    pg: () => sql.literal("JOIN"),
    orElse: unsupported(sql)
  })
  return sql`WITH page AS (${tasks})
SELECT page.pos AS pos, 'checkpoint' AS kind, c.task_id AS task_id, c.id AS ref, c.state AS state,
  NULL AS to_state, NULL AS event, c.context AS body, c.artifacts AS artifacts, c.created_at AS at,
  0 AS seq, ${checkpointOrder(sql, "c")} AS ord
FROM page ${join} checkpoints c ON c.task_id = page.task_id
UNION ALL
SELECT page.pos, 'state', w.task_id, w.project_id, w.state,
  NULL, NULL, w.context, NULL, w.updated_at, 0, 0
FROM page ${join} workflow_states w ON w.task_id = page.task_id
UNION ALL
SELECT page.pos, 'transition', t.task_id, NULL, t.from_state,
  t.to_state, t.event, t.metadata, NULL, t.created_at, t.seq, 0
FROM page ${join} state_transitions t ON t.task_id = page.task_id
ORDER BY pos, kind, seq, at, ord`
}

/** Which tasks `StateStore.tasks` lists, and from where. */
export interface TaskSummaryFilter {
  readonly projectId?: string | undefined
  readonly state?: string | undefined
  readonly after?: { readonly updatedAt: string; readonly taskId: string } | undefined
}

/** Tasks matching the filter, most recently updated first, with their counts of transitions and checkpoints; `limit` rows at most. */
export const selectTaskSummaries = (sql: Sql, filter: TaskSummaryFilter, limit: number) => {
  const clauses: Array<Statement.Fragment> = []
  if (filter.projectId !== undefined) clauses.push(sql`w.project_id = ${filter.projectId}`)
  if (filter.state !== undefined) clauses.push(sql`w.state = ${filter.state}`)
  if (filter.after !== undefined) {
    clauses.push(sql`(w.updated_at < ${filter.after.updatedAt}
      OR (w.updated_at = ${filter.after.updatedAt} AND w.task_id < ${filter.after.taskId}))`)
  }
  return sql`SELECT w.task_id AS "taskId", w.project_id AS "projectId", w.state, w.created_at AS "createdAt",
        w.updated_at AS "updatedAt",
        (SELECT count(*) FROM state_transitions s WHERE s.task_id = w.task_id) AS transitions,
        (SELECT count(*) FROM checkpoints c WHERE c.task_id = w.task_id) AS checkpoints
      FROM workflow_states w
      ${clauses.length === 0 ? sql.literal("") : sql`WHERE ${sql.and(clauses)}`}
      ORDER BY w.updated_at DESC, w.task_id DESC
      LIMIT ${limit}`
}
