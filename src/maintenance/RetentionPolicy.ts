/**
 * The retention policy: how long each kind of row is kept. Given in the layer
 * options (`retention`), in `LOGBOOK_RETENTION` as JSON, or to
 * `Maintenance.prune`; validated here into durations, with every problem
 * named by its path.
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { ValidationIssue } from "../Errors.js"

/**
 * A span of time: a `Duration`, milliseconds, `"90 days"`, `"12 hours"`, or
 * the short forms `"90d"`, `"12h"`, `"30m"`, `"2w"`, `"45s"`.
 */
export type Span = Duration.DurationInput | string

/** Checkpoint retention; a checkpoint goes when every rule given selects it. */
export interface CheckpointRetention {
  /** Keep the newest `keepLast` checkpoints of each task. */
  readonly keepLast?: number | undefined
  /** Only checkpoints older than this go. */
  readonly olderThan?: Span | undefined
}

/**
 * What to delete, by age. Each entry is optional; what no entry names is kept.
 * Example: `{ audit: "90 days", traces: "30 days", checkpoints: { keepLast: 20 },
 * records: { "planner.session": "180 days" } }`.
 */
export interface RetentionPolicyInput {
  /** Audit entries older than this. */
  readonly audit?: Span | undefined
  /** Execution traces started before this, with their invocations and events. */
  readonly traces?: Span | undefined
  /** Trace events older than this, whatever their trace. */
  readonly events?: Span | undefined
  /** LLM usage rows older than this. */
  readonly llmUsage?: Span | undefined
  /** Trajectories stored before this, with their test-generation rows. */
  readonly trajectories?: Span | undefined
  /** Tasks whose last transition, save or checkpoint is older than this, with their history and checkpoints. */
  readonly workflowStates?: Span | undefined
  /** Agent session logs written before this (a later log whose parent goes becomes a root). */
  readonly sessionLogs?: Span | undefined
  /** Checkpoints beyond the newest `keepLast` of their task and/or older than `olderThan`. */
  readonly checkpoints?: CheckpointRetention | undefined
  /** Records of each named kind older than its span (by creation). */
  readonly records?: Readonly<Record<string, Span>> | undefined
  /** How often the background policy runs; default one hour. */
  readonly every?: Span | undefined
  /** When the background policy first runs after the database opens; default one minute. */
  readonly startAfter?: Span | undefined
}

/** A validated policy: spans as durations. */
export interface RetentionPolicy {
  readonly audit?: Duration.Duration | undefined
  readonly traces?: Duration.Duration | undefined
  readonly events?: Duration.Duration | undefined
  readonly llmUsage?: Duration.Duration | undefined
  readonly trajectories?: Duration.Duration | undefined
  readonly workflowStates?: Duration.Duration | undefined
  readonly sessionLogs?: Duration.Duration | undefined
  readonly checkpoints?: {
    readonly keepLast?: number | undefined
    readonly olderThan?: Duration.Duration | undefined
  } | undefined
  readonly records?: Readonly<Record<string, Duration.Duration>> | undefined
  readonly every: Duration.Duration
  readonly startAfter: Duration.Duration
}

/** The entries of a policy that are plain spans. */
export const spanEntries = ["audit", "traces", "events", "llmUsage", "trajectories", "workflowStates", "sessionLogs"] as const

const KEYS: ReadonlyArray<string> = [...spanEntries, "checkpoints", "records", "every", "startAfter"]

const SHORT = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i
const UNIT: Readonly<Record<string, Duration.Unit>> = { s: "seconds", m: "minutes", h: "hours", d: "days", w: "weeks" }

/** Reads a span, or says why it is not one. */
export const spanOf = (input: unknown): Either.Either<Duration.Duration, string> => {
  const short = typeof input === "string" ? SHORT.exec(input.trim()) : null
  const decoded = short !== null
    ? Option.some(Duration.decode(`${Number(short[1])} ${UNIT[short[2]!.toLowerCase()]!}`))
    : typeof input === "number" && !Number.isFinite(input)
    ? Option.none()
    : Duration.decodeUnknown(input)
  return Option.match(decoded, {
    onNone: () => Either.left(`expected a span such as "90 days", "12h" or a number of milliseconds, got ${describe(input)}`),
    onSome: (duration) => Duration.isFinite(duration) ? Either.right(duration) : Either.left("a span must be finite")
  })
}

const describe = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Validates a policy; on failure, every problem with its path (`checkpoints.keepLast`, `records.planner.session`). */
export const validatePolicy = (input: unknown): Either.Either<RetentionPolicy, ReadonlyArray<ValidationIssue>> => {
  const issues: Array<ValidationIssue> = []
  const span = (at: string, value: unknown): Duration.Duration | undefined => {
    if (value === undefined) return undefined
    return Either.match(spanOf(value), {
      onLeft: (message) => {
        issues.push({ path: at, message })
        return undefined
      },
      onRight: (duration) => duration
    })
  }
  if (!isObject(input)) return Either.left([{ path: "", message: `expected an object, got ${describe(input)}` }])
  for (const key of Object.keys(input)) {
    if (!KEYS.includes(key)) issues.push({ path: key, message: `unknown entry; expected one of ${KEYS.join(", ")}` })
  }
  const spans = Object.fromEntries(spanEntries.map((key) => [key, span(key, input[key])]))
  let checkpoints: RetentionPolicy["checkpoints"]
  if (input.checkpoints !== undefined) {
    const given = input.checkpoints
    if (!isObject(given)) {
      issues.push({ path: "checkpoints", message: "expected an object such as { \"keepLast\": 20 }" })
    } else {
      for (const key of Object.keys(given)) {
        if (key !== "keepLast" && key !== "olderThan") {
          issues.push({ path: `checkpoints.${key}`, message: "unknown entry; expected keepLast or olderThan" })
        }
      }
      const keepLast = given.keepLast
      if (keepLast !== undefined && !(typeof keepLast === "number" && Number.isSafeInteger(keepLast) && keepLast >= 0)) {
        issues.push({ path: "checkpoints.keepLast", message: `expected a whole number of checkpoints, 0 or more, got ${describe(keepLast)}` })
      }
      if (keepLast === undefined && given.olderThan === undefined) {
        issues.push({ path: "checkpoints", message: "expected keepLast, olderThan or both" })
      }
      checkpoints = {
        keepLast: typeof keepLast === "number" ? keepLast : undefined,
        olderThan: span("checkpoints.olderThan", given.olderThan)
      }
    }
  }
  let records: Record<string, Duration.Duration> | undefined
  if (input.records !== undefined) {
    if (!isObject(input.records)) {
      issues.push({ path: "records", message: "expected an object of kind to span, such as { \"planner.session\": \"180 days\" }" })
    } else {
      records = {}
      for (const [kind, value] of Object.entries(input.records)) {
        const duration = span(`records.${kind}`, value)
        if (duration !== undefined) records[kind] = duration
      }
    }
  }
  const every = span("every", input.every) ?? Duration.hours(1)
  if (Duration.toMillis(every) < 1_000) issues.push({ path: "every", message: "the policy runs at most once a second" })
  const startAfter = span("startAfter", input.startAfter) ?? Duration.minutes(1)
  if (issues.length > 0) return Either.left(issues)
  return Either.right({ ...spans, checkpoints, records, every, startAfter })
}

/** Parses `LOGBOOK_RETENTION` (JSON) and validates it. */
export const parsePolicy = (text: string): Either.Either<RetentionPolicy, ReadonlyArray<ValidationIssue>> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    return Either.left([{ path: "", message: `not JSON: ${cause instanceof Error ? cause.message : String(cause)}` }])
  }
  return validatePolicy(json)
}

/** The issues as one line: `checkpoints.keepLast: expected ...; audit: ...`. */
export const describeIssues = (issues: ReadonlyArray<ValidationIssue>): string =>
  issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`)).join("; ")

/** True when the policy deletes nothing. */
export const isEmpty = (policy: RetentionPolicy): boolean =>
  spanEntries.every((key) => policy[key] === undefined) && policy.checkpoints === undefined &&
  Object.keys(policy.records ?? {}).length === 0
