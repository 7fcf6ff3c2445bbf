/**
 * The SQL of the TrajectoryStore, one builder per statement. The filters
 * are `WHERE` conditions on the `trajectories` table aliased `t`.
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"

type Sql = SqlClient.SqlClient

/** How many trajectories meet every condition (`n`). */
export const countTrajectories = (sql: Sql, conditions: ReadonlyArray<Fragment>) =>
  sql`SELECT count(*) AS n FROM trajectories t WHERE ${sql.and(conditions)}`

/**
 * The stored JSON (`data`) of at most `size` trajectories that meet every
 * condition, stored after `afterSeq`, in the order they were first stored
 * (keyset paging on `seq`).
 */
export const exportPage = (sql: Sql, conditions: ReadonlyArray<Fragment>, afterSeq: number, size: number) =>
  sql`SELECT t.seq, t.data FROM trajectories t WHERE ${sql.and([...conditions, sql`t.seq > ${afterSeq}`])}
    ORDER BY t.seq LIMIT ${size}`
