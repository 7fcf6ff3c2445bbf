/**
 * logbook: durable memory for AI-agent orchestrators, as Effect layers.
 *
 * Start with `Logbook.layer()` (every store on `./.logbook/logbook.db`) or
 * `Logbook.layerMemory` (a fresh in-memory database, for specs).
 */
export * from "./Errors.js"

export { Database, type DatabaseOptions, type DatabaseService, type Health, type MigrateMode } from "./Database.js"
export * as Logbook from "./Logbook.js"
export { bestEffort, orLog } from "./BestEffort.js"
export * as Copy from "./Copy.js"
export type { CopyOptions, CopyProgress, CopyReport, TableCopy } from "./Copy.js"
export * as Maintenance from "./Maintenance.js"
export type {
  CheckpointRetention,
  DoctorReport,
  FreeSpace,
  IndexValidity,
  PostgresDoctor,
  PruneOptions,
  PruneReport,
  RetentionPolicyInput,
  StorageGrowth,
  StorageObject,
  StorageReport,
  TableSize,
  TaskCheckpoints,
  VacuumReport
} from "./Maintenance.js"
export * as Migrator from "./migrations/Migrator.js"

export { Redactor, type RedactionOptions, type RedactorService } from "./redaction/Redactor.js"
export { defaultRules, defaultSensitiveKeys, type RedactionRule } from "./redaction/Rules.js"
export { WriteBehind, type WriteBehindService } from "./writeBehind/WriteBehind.js"

export * from "./StateStore.js"
export { TaskCursor, TaskFilter, TaskPage, TaskSummary } from "./state/TaskSummary.js"
export * from "./ConfigStore.js"
export * from "./AuditLog.js"

export * from "./LessonsStore.js"
export {
  Lesson,
  LessonCategory,
  LessonHit,
  LessonInput,
  LessonPatch,
  LessonSearchOptions,
  SnippetOptions
} from "./lessons/Lesson.js"

export * from "./ExecutionTracker.js"
export * as LanguageModelRecorder from "./ai/LanguageModelRecorder.js"
export {
  AgentInvocation,
  AgentInvocationInput,
  AgentInvocationPatch,
  InvocationOutcome
} from "./tracker/AgentInvocation.js"
export { CompleteTraceInput, ExecutionTrace, StartTraceInput, TraceStatus } from "./tracker/ExecutionTrace.js"
export { LlmCallStatus, LlmUsage, LlmUsageInput } from "./tracker/LlmUsage.js"
export { AgentMetrics, RunStats } from "./tracker/Metrics.js"
export { AgentHealth, DailyUsage, RunCursor, RunPage, RunSummary, TraceFilter, UsageWindow } from "./tracker/RunViews.js"
export { TraceEvent, TraceEventInput } from "./tracker/TraceEvent.js"
export { TokenUsage } from "./tracker/TokenUsage.js"

export * from "./TrajectoryStore.js"
export * from "./RecordStore.js"
export * from "./AgentRegistry.js"
