/**
 * What retention can delete: one entry per table, with the condition that
 * selects its rows under a policy and the child rows that go with each row
 * (by foreign-key cascade or trigger), archived before their parent.
 *
 * A new table joins retention by adding an entry here (and, for a new policy
 * entry, a key in `RetentionPolicy`): the engine in `Prune.ts` needs nothing else.
 *
 * @module
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import * as Duration from "effect/Duration"
import { checkpointBeyond, workflowIdleBefore } from "./Queries.js"
import type { RetentionPolicy } from "./RetentionPolicy.js"

/** Rows of `table` deleted with their parent (cascade or trigger): those whose `foreignKey` is the parent's `references`. */
export interface ChildTable {
  readonly table: string
  readonly foreignKey: string
  readonly references: string
}

/** A table retention deletes from. */
export interface PruneTarget {
  /** The table whose rows are selected and deleted. */
  readonly table: string
  /** A unique column naming a row, for chunking and for the children's foreign key. */
  readonly key: string
  /** Child rows that go with each deleted row, archived before it. */
  readonly children: ReadonlyArray<ChildTable>
  /**
   * The condition (on the columns of `table`) selecting the rows `policy`
   * deletes at instant `now`; undefined when the policy does not name this table.
   */
  readonly selection: (sql: SqlClient.SqlClient, policy: RetentionPolicy, now: number) => Fragment | undefined
}

/** The ISO-8601 instant `span` before `now`. */
export const cutoff = (now: number, span: Duration.Duration): string =>
  new Date(now - Duration.toMillis(span)).toISOString()

const olderThan = (column: string, span: (policy: RetentionPolicy) => Duration.Duration | undefined) =>
(sql: SqlClient.SqlClient, policy: RetentionPolicy, now: number): Fragment | undefined => {
  const given = span(policy)
  return given === undefined ? undefined : sql`${sql(column)} < ${cutoff(now, given)}`
}

/**
 * Every target, in the order they are pruned: a parent before the targets
 * that would otherwise select its children on their own (so that a trace's
 * events are archived with it).
 */
export const pruneTargets: ReadonlyArray<PruneTarget> = [
  {
    table: "workflow_states",
    key: "task_id",
    children: [
      { table: "state_transitions", foreignKey: "task_id", references: "task_id" },
      { table: "checkpoints", foreignKey: "task_id", references: "task_id" }
    ],
    selection: (sql, policy, now) => {
      if (policy.workflowStates === undefined) return undefined
      // The task's last activity: its last save, transition or checkpoint.
      return workflowIdleBefore(sql, cutoff(now, policy.workflowStates))
    }
  },
  {
    table: "checkpoints",
    key: "id",
    children: [],
    selection: (sql, policy, now) => {
      const rule = policy.checkpoints
      if (rule === undefined) return undefined
      // Beyond the newest keepLast of its task, in the order StateStore.checkpoints lists them
      // (created_at, then insertion): an index range count per row, cheap at any table size.
      const beyond = rule.keepLast === undefined ? undefined : checkpointBeyond(sql, rule.keepLast)
      const old = rule.olderThan === undefined ? undefined : sql`created_at < ${cutoff(now, rule.olderThan)}`
      return beyond !== undefined && old !== undefined ? sql.and([beyond, old]) : beyond ?? old
    }
  },
  {
    table: "execution_traces",
    key: "id",
    children: [
      { table: "agent_invocations", foreignKey: "trace_id", references: "id" },
      { table: "trace_events", foreignKey: "trace_id", references: "id" }
    ],
    selection: olderThan("started_at", (policy) => policy.traces)
  },
  { table: "trace_events", key: "id", children: [], selection: olderThan("timestamp", (policy) => policy.events) },
  { table: "llm_usage", key: "id", children: [], selection: olderThan("timestamp", (policy) => policy.llmUsage) },
  { table: "audit_logs", key: "id", children: [], selection: olderThan("timestamp", (policy) => policy.audit) },
  { table: "agent_session_logs", key: "id", children: [], selection: olderThan("created_at", (policy) => policy.sessionLogs) },
  {
    table: "trajectories",
    key: "seq",
    children: [{ table: "testgen_trajectories", foreignKey: "trajectory_id", references: "id" }],
    selection: olderThan("created_at", (policy) => policy.trajectories)
  },
  {
    table: "records",
    key: "seq",
    children: [],
    selection: (sql, policy, now) => {
      const kinds = Object.entries(policy.records ?? {})
      if (kinds.length === 0) return undefined
      return sql.or(kinds.map(([kind, span]) => sql`(kind = ${kind} AND created_at < ${cutoff(now, span)})`))
    }
  }
]
