/**
 * The tables that hold logbook's data (its migration bookkeeping, search
 * indexes and derived tables aside): the tables `Maintenance.rowCounts`
 * counts.
 */
import * as Schema from "effect/Schema"

/** Every data table, store by store. */
export const DATA_TABLES = [
  "workflow_states",
  "state_transitions",
  "checkpoints",
  "audit_logs",
  "execution_traces",
  "agent_invocations",
  "trace_events",
  "llm_usage",
  "lessons",
  "configurations",
  "trajectories",
  "testgen_trajectories",
  "records",
  "agents",
  "agent_sessions",
  "agent_session_logs"
] as const

/** The name of a data table. */
export const DataTable = Schema.Literal(...DATA_TABLES)
export type DataTable = typeof DataTable.Type
