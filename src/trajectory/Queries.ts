/**
 * The SQL of the TrajectoryStore, one builder per statement. Dialect
 * variants: the upsert of a batch (SQLite takes two `ON CONFLICT` clauses,
 * one skipping a replayed write-behind key; PostgreSQL takes one, the skip
 * moving into its `WHERE`), and text search (FTS5 over `trajectories_fts` on
 * SQLite, the indexed `search` tsvector on PostgreSQL).
 */
import type * as Statement from "@effect/sql/Statement"
import { page, type Sql, unsupported } from "../database/Dialect.js"
import { prefixTsQuery } from "../search/TsQuery.js"
import { INFO_COLUMNS } from "./StoredTrajectory.js"

/** A row of `trajectories` to write. */
export interface TrajectoryInsert {
  readonly id: string
  readonly identity: string
  readonly session_id: string | null
  readonly schema_version: string
  readonly agent_name: string
  readonly agent_version: string
  readonly model_name: string | null
  readonly task_id: string | null
  readonly step_count: number
  readonly first_step_at: string | null
  readonly last_step_at: string | null
  readonly total_prompt_tokens: number | null
  readonly total_completion_tokens: number | null
  readonly total_cost_usd: number | null
  readonly score: number | null
  readonly created_at: string
  readonly updated_at: string
  readonly record_key: string | null
  readonly embedding_dim: number | null
  readonly embedding: Uint8Array | null
  readonly data: string
  readonly search_text: string
  readonly write_order: number
}

/** Columns bound per row of {@link upsertTrajectories}. */
export const TRAJECTORY_COLUMNS = 23

const replaceStored = (sql: Sql) =>
  sql`schema_version = excluded.schema_version,
      agent_name = excluded.agent_name,
      agent_version = excluded.agent_version,
      model_name = excluded.model_name,
      task_id = COALESCE(excluded.task_id, trajectories.task_id),
      step_count = excluded.step_count,
      first_step_at = excluded.first_step_at,
      last_step_at = excluded.last_step_at,
      total_prompt_tokens = excluded.total_prompt_tokens,
      total_completion_tokens = excluded.total_completion_tokens,
      total_cost_usd = excluded.total_cost_usd,
      score = COALESCE(excluded.score, trajectories.score),
      updated_at = excluded.updated_at,
      record_key = COALESCE(trajectories.record_key, excluded.record_key),
      embedding_dim = CASE WHEN excluded.embedding IS NULL THEN trajectories.embedding_dim ELSE excluded.embedding_dim END,
      embedding = COALESCE(excluded.embedding, trajectories.embedding),
      data = excluded.data,
      search_text = excluded.search_text,
      write_order = excluded.write_order`

/**
 * Inserts trajectories, replacing a stored one with the same identity
 * unless it was written later (`write_order`); a row whose `record_key` is
 * already stored is skipped.
 */
export const upsertTrajectories = (sql: Sql, rows: ReadonlyArray<TrajectoryInsert>) =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`INSERT INTO trajectories ${sql.insert(rows.map((row) => ({ ...row })))}
        ON CONFLICT (record_key) DO NOTHING
        ON CONFLICT (identity) DO UPDATE SET ${replaceStored(sql)}
        WHERE excluded.write_order >= trajectories.write_order`,
    pg: () =>
      sql`INSERT INTO trajectories ${sql.insert(rows.map((row) => ({ ...row })))}
        ON CONFLICT (identity) DO UPDATE SET ${replaceStored(sql)}
        WHERE excluded.write_order >= trajectories.write_order
          AND (excluded.record_key IS NULL
            OR NOT EXISTS (SELECT 1 FROM trajectories AS k WHERE k.record_key = excluded.record_key))`,
    orElse: unsupported(sql)
  })

/** Inserts a trajectory's test-generation details, or replaces them (keeping `created_at`). */
export const upsertTestGen = (sql: Sql, row: Readonly<Record<string, unknown>>) =>
  sql`INSERT INTO testgen_trajectories ${sql.insert({ ...row })}
    ON CONFLICT (trajectory_id) DO UPDATE SET
      task_id = excluded.task_id,
      task_description = excluded.task_description,
      total_tests = excluded.total_tests,
      total_rounds = excluded.total_rounds,
      category_rounds = excluded.category_rounds,
      comprehensiveness_score = excluded.comprehensiveness_score,
      total_tokens_used = excluded.total_tokens_used,
      duration_ms = excluded.duration_ms,
      tests = excluded.tests,
      reflections = excluded.reflections,
      environment = excluded.environment,
      uncertainties = excluded.uncertainties,
      updated_at = excluded.updated_at`

/** The trajectory `id` with its indexed fields. */
export const selectTrajectory = (sql: Sql, id: string) =>
  sql`SELECT ${sql.literal(INFO_COLUMNS)}, CAST(t.data AS TEXT) AS data FROM trajectories t WHERE t.id = ${id}`

/**
 * The test-generation details of the trajectory `id`, with its session.
 * `environment` may be any JSON, a string too: it is read as JSON text, which
 * a parsed `jsonb` string could not be told apart from.
 */
export const selectTestGen = (sql: Sql, id: string) =>
  sql`SELECT g.trajectory_id, t.session_id, g.task_id, g.task_description, g.total_tests, g.total_rounds,
      g.category_rounds, g.comprehensiveness_score, g.total_tokens_used, g.duration_ms, g.tests, g.reflections,
      CAST(g.environment AS TEXT) AS environment, g.uncertainties, g.created_at, g.updated_at
    FROM testgen_trajectories g
    JOIN trajectories t ON t.id = g.trajectory_id WHERE g.trajectory_id = ${id}`

/** The stored id of each of these identities. */
export const selectIdentities = (sql: Sql, identities: ReadonlyArray<string>) =>
  sql`SELECT id, identity FROM trajectories WHERE identity IN ${sql.in(identities)}`

/** Trajectories of these sessions stored before identities were kept (their identity is unset). */
export const selectUnidentified = (sql: Sql, sessions: ReadonlyArray<string>) =>
  sql`SELECT seq, id, CAST(data AS TEXT) AS data FROM trajectories WHERE identity IS NULL AND session_id IN ${sql.in(sessions)}`

/** Gives the trajectory at `seq` its identity. */
export const setIdentity = (sql: Sql, seq: number, identity: string) =>
  sql`UPDATE trajectories SET identity = ${identity} WHERE seq = ${seq}`

/** The stored ids among `base`, `alternative` and `base#…`. */
export const selectIdsNear = (sql: Sql, base: string, alternative: string) =>
  sql`SELECT id FROM trajectories WHERE id IN (${base}, ${alternative}) OR (id > ${`${base}#`} AND id < ${`${base}$`})`

/** The filters of `list` and `search`, validated. */
export interface TrajectoryConditions {
  readonly sessionId?: string | undefined
  readonly agentName?: string | undefined
  readonly modelName?: string | undefined
  readonly taskId?: string | undefined
  readonly since?: string | undefined
  readonly until?: string | undefined
  readonly minScore?: number | undefined
}

const conditions = (sql: Sql, f: TrajectoryConditions): Array<Statement.Fragment> => [
  ...(f.sessionId === undefined ? [] : [sql`t.session_id = ${f.sessionId}`]),
  ...(f.agentName === undefined ? [] : [sql`t.agent_name = ${f.agentName}`]),
  ...(f.modelName === undefined ? [] : [sql`t.model_name = ${f.modelName}`]),
  ...(f.taskId === undefined ? [] : [sql`t.task_id = ${f.taskId}`]),
  ...(f.since === undefined ? [] : [sql`t.created_at >= ${f.since}`]),
  ...(f.until === undefined ? [] : [sql`t.created_at < ${f.until}`]),
  ...(f.minScore === undefined ? [] : [sql`t.score >= ${f.minScore}`])
]

/** Indexed fields of the trajectories matching `filter`, newest first, one page. */
export const listTrajectories = (sql: Sql, filter: TrajectoryConditions, limit: number, offset: number) =>
  sql`SELECT ${sql.literal(INFO_COLUMNS)} FROM trajectories t
    WHERE ${sql.and(conditions(sql, filter))}
    ORDER BY t.created_at DESC, t.seq DESC
    ${page(sql, limit, offset)}`

/** PostgreSQL: how much of `search_text` its `search` tsvector indexes (migrations/postgres/0005). */
const SEARCH_TEXT_INDEXED = 262144

/**
 * Trajectories whose text matches, best first (`rank`: lower is better),
 * with a highlighted snippet. `match` is the FTS5 expression (SQLite);
 * `words` must all match as prefixes (PostgreSQL).
 */
export const searchTrajectories = (
  sql: Sql,
  match: { readonly fts5: string; readonly words: ReadonlyArray<string> },
  filter: TrajectoryConditions,
  limit: number,
  offset: number
) =>
  sql.onDialectOrElse({
    sqlite: () =>
      sql`SELECT ${sql.literal(INFO_COLUMNS)}, trajectories_fts.rank AS rank,
          snippet(trajectories_fts, 0, '[', ']', '…', 16) AS snippet
        FROM trajectories_fts JOIN trajectories t ON t.seq = trajectories_fts.rowid
        WHERE ${sql.and([sql`trajectories_fts MATCH ${match.fts5}`, ...conditions(sql, filter)])}
        ORDER BY trajectories_fts.rank, t.seq DESC
        LIMIT ${limit} OFFSET ${offset}`,
    pg: () => {
      const query = sql`to_tsquery('simple', ${prefixTsQuery(match.words)})`
      // Rank divided by the text's length: like bm25, a short text with as many hits ranks above a long one.
      return sql`SELECT ${sql.literal(INFO_COLUMNS)}, -ts_rank(t.search, ${query}, 2) AS rank,
          ts_headline('simple', left(t.search_text, ${SEARCH_TEXT_INDEXED}), ${query},
            'StartSel=[, StopSel=], FragmentDelimiter=…, MaxWords=16, MinWords=1') AS snippet
        FROM trajectories t
        WHERE ${sql.and([sql`t.search @@ ${query}`, ...conditions(sql, filter)])}
        ORDER BY rank, t.seq DESC
        LIMIT ${limit} OFFSET ${offset}`
    },
    orElse: unsupported(sql)
  })

/** A page of stored embeddings of `dimension`, after `seq` `after`. */
export const trajectoryVectors = (sql: Sql, dimension: number, after: number, size: number) =>
  sql`SELECT seq, embedding FROM trajectories
    WHERE embedding_dim = ${dimension} AND embedding IS NOT NULL AND seq > ${after}
    ORDER BY seq LIMIT ${size}`

/** The trajectories at the given `seq`s, with the first `snippetChars` of their text. */
export const trajectoriesBySeq = (sql: Sql, seqs: ReadonlyArray<number>, snippetChars: number) =>
  sql`SELECT ${sql.literal(INFO_COLUMNS)}, 0 AS rank, substr(t.search_text, 1, ${snippetChars}) AS snippet
    FROM trajectories t WHERE t.seq IN ${sql.in(seqs)}`

/** Deletes the trajectory `id`; returns its `seq` when there was one. */
export const deleteTrajectory = (sql: Sql, id: string) => sql`DELETE FROM trajectories WHERE id = ${id} RETURNING seq`

/**
 * Indexed fields of the trajectories matching `filter`, newest first, one
 * page, as search hits without a word to match: rank 0, the first
 * `snippetChars` of their text as snippet.
 */
export const browseTrajectories = (
  sql: Sql,
  filter: TrajectoryConditions,
  snippetChars: number,
  limit: number,
  offset: number
) =>
  sql`SELECT ${sql.literal(INFO_COLUMNS)}, 0 AS rank, substr(t.search_text, 1, ${snippetChars}) AS snippet
    FROM trajectories t WHERE ${sql.and(conditions(sql, filter))}
    ORDER BY t.created_at DESC, t.seq DESC
    ${page(sql, limit, offset)}`

/** How many trajectories meet every condition (`n`). */
export const countTrajectories = (sql: Sql, filter: TrajectoryConditions) =>
  sql`SELECT count(*) AS n FROM trajectories t WHERE ${sql.and(conditions(sql, filter))}`

/**
 * The stored JSON (`data`) of at most `size` trajectories that meet every
 * condition, stored after `afterSeq`, in the order they were first stored
 * (keyset paging on `seq`).
 */
export const exportPage = (sql: Sql, filter: TrajectoryConditions, afterSeq: number, size: number) =>
  sql`SELECT t.seq, CAST(t.data AS TEXT) AS data FROM trajectories t WHERE ${sql.and([...conditions(sql, filter), sql`t.seq > ${afterSeq}`])}
    ORDER BY t.seq LIMIT ${size}`
