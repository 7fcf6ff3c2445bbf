/**
 * ATIF — the Agent Trajectory Interchange Format (Harbor RFC 0001), as read by
 * the TrajectoryStore.
 *
 * A trajectory is decoded in two passes:
 *
 * 1. structure, with `effect/Schema`: field types, required fields, the
 *    published versions `ATIF-v1.0` … `ATIF-v1.7`, non-negative metrics;
 * 2. the rules the RFC states between fields: steps numbered 1..n without
 *    gaps, agent-only fields only on agent steps, every observation result
 *    pointing at a tool call of its own step, unique tool call ids, ISO 8601
 *    timestamps, well-formed multimodal content parts.
 *
 * Fields added by later versions are all optional, so one schema reads every
 * published version. Unknown fields — `extra` objects and any other key — are
 * never dropped: {@link decodeTrajectory} hands back the very object it was
 * given, so writing it out again gives the input back (key order included).
 *
 * Every failure is a {@link TrajectoryInvalid} whose issues name the place,
 * e.g. `steps[3].step_id: expected 4 (steps are numbered from 1 without gaps), got 5`.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { onFirstCall } from "../domain/OnFirstCall.js"

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

/** The published ATIF versions this module reads, oldest first. */
export const ATIF_VERSIONS = [
  "ATIF-v1.0",
  "ATIF-v1.1",
  "ATIF-v1.2",
  "ATIF-v1.3",
  "ATIF-v1.4",
  "ATIF-v1.5",
  "ATIF-v1.6",
  "ATIF-v1.7"
] as const

/** One of {@link ATIF_VERSIONS}. */
export type AtifVersion = (typeof ATIF_VERSIONS)[number]

/** Where a step comes from: the system prompt, the user, or the agent. */
export const STEP_SOURCES = ["system", "user", "agent"] as const

/** One of {@link STEP_SOURCES}. */
export type StepSource = (typeof STEP_SOURCES)[number]

/** A string that must be one of `values`; the failure message lists them. */
const oneOf = <const L extends ReadonlyArray<string>>(values: L, describe: (actual: unknown) => string) =>
  Schema.String.pipe(
    Schema.filter((s): s is L[number] => values.some((v) => v === s), {
      message: (issue) => describe(issue.actual)
    })
  )

/** An optional field; like the reference implementation, `null` counts as absent. */
const optional = <S extends Schema.Schema.All>(schema: S) => Schema.optional(Schema.NullOr(schema))

const show = (value: unknown): string => {
  if (value === undefined) return "undefined"
  try {
    const text = JSON.stringify(value)
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text
  } catch {
    return String(value)
  }
}

const Count = Schema.NonNegativeInt.annotations({
  message: (issue) => ({ message: `expected a non-negative integer, got ${show(issue.actual)}`, override: true })
})

const Usd = Schema.Finite.pipe(Schema.nonNegative()).annotations({
  message: (issue) => ({ message: `expected a non-negative number, got ${show(issue.actual)}`, override: true })
})

/** A JSON object with any members (`extra`, tool arguments). */
const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({ title: "an object" })

const SchemaVersion = oneOf(
  ATIF_VERSIONS,
  (actual) =>
    `unsupported ATIF version ${show(actual)}; supported: ATIF-v1.0 to ATIF-v1.7`
)

const Source = oneOf(
  STEP_SOURCES,
  (actual) => `expected "system", "user" or "agent", got ${show(actual)}`
)

// ---------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------

/** Where an image of a multimodal content part lives (ATIF-v1.6+): JPEG, PNG, GIF or WebP, as the spec lists. */
export const ImageSource = Schema.Struct({
  media_type: Schema.Literal("image/jpeg", "image/png", "image/gif", "image/webp"),
  path: Schema.String
}).annotations({ title: "an image source object" })
export type ImageSource = typeof ImageSource.Type

/**
 * One part of multimodal content (ATIF-v1.6+): a `text` part carries `text`,
 * an `image` part carries `source`.
 */
export const ContentPart = Schema.Struct({
  type: oneOf(["text", "image"], (actual) => `expected "text" or "image", got ${show(actual)}`),
  text: optional(Schema.String),
  source: optional(ImageSource)
}).annotations({ title: "a content part object" })
export type ContentPart = typeof ContentPart.Type

/** A step message or observation content: text, or (ATIF-v1.6+) content parts. */
export const Content = Schema.Union(
  Schema.String,
  Schema.Array(ContentPart).annotations({ title: "an array of content parts" })
)
export type Content = typeof Content.Type

/** The agent system that produced the trajectory. */
export const Agent = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  model_name: optional(Schema.String),
  /** Tool definitions offered to the model (ATIF-v1.5+). */
  tool_definitions: optional(Schema.Array(JsonObject).annotations({ title: "an array of objects" })),
  extra: optional(JsonObject)
}).annotations({ title: "an agent object" })
export type Agent = typeof Agent.Type

/** One function call made by the agent in a step. */
export const ToolCall = Schema.Struct({
  tool_call_id: Schema.String,
  function_name: Schema.String,
  arguments: JsonObject,
  /** ATIF-v1.7+. */
  extra: optional(JsonObject)
}).annotations({ title: "a tool call object" })
export type ToolCall = typeof ToolCall.Type

/** A reference to the trajectory of a delegated subagent. */
export const SubagentTrajectoryRef = Schema.Struct({
  session_id: optional(Schema.String),
  /** ATIF-v1.7+: resolves against the root's `subagent_trajectories`. */
  trajectory_id: optional(Schema.String),
  trajectory_path: optional(Schema.String),
  extra: optional(JsonObject)
}).annotations({ title: "a subagent trajectory reference object" })
export type SubagentTrajectoryRef = typeof SubagentTrajectoryRef.Type

/**
 * The result of one tool call or action. `source_call_id`, when set, names a
 * `tool_call_id` of the same step; null or absent means an action that was not
 * a tool call.
 */
export const ObservationResult = Schema.Struct({
  source_call_id: optional(Schema.String),
  content: optional(Content),
  subagent_trajectory_ref: optional(
    Schema.Array(SubagentTrajectoryRef).annotations({ title: "an array of subagent trajectory references" })
  ),
  /** ATIF-v1.7+. */
  extra: optional(JsonObject)
}).annotations({ title: "an observation result object" })
export type ObservationResult = typeof ObservationResult.Type

/** What the environment answered in a step. */
export const Observation = Schema.Struct({
  results: Schema.Array(ObservationResult).annotations({ title: "an array of observation results" })
}).annotations({ title: "an observation object" })
export type Observation = typeof Observation.Type

/** LLM usage of one step; token counts and cost are non-negative. */
export const StepMetrics = Schema.Struct({
  /** All input tokens, cached ones included. */
  prompt_tokens: optional(Count),
  completion_tokens: optional(Count),
  /** The part of `prompt_tokens` served from a cache. */
  cached_tokens: optional(Count),
  cost_usd: optional(Usd),
  /** ATIF-v1.4+. */
  prompt_token_ids: optional(Schema.Array(Schema.Int).annotations({ title: "an array of integers" })),
  /** ATIF-v1.3+. */
  completion_token_ids: optional(Schema.Array(Schema.Int).annotations({ title: "an array of integers" })),
  logprobs: optional(Schema.Array(Schema.Number).annotations({ title: "an array of numbers" })),
  extra: optional(JsonObject)
}).annotations({ title: "a metrics object" })
export type StepMetrics = typeof StepMetrics.Type

/** Totals over the whole trajectory; all non-negative. */
export const FinalMetrics = Schema.Struct({
  total_prompt_tokens: optional(Count),
  total_completion_tokens: optional(Count),
  total_cached_tokens: optional(Count),
  total_cost_usd: optional(Usd),
  /** May differ from the length of `steps` (the RFC asks for a note in `notes`). */
  total_steps: optional(Count),
  extra: optional(JsonObject)
}).annotations({ title: "a final metrics object" })
export type FinalMetrics = typeof FinalMetrics.Type

/**
 * One turn: a system prompt, a user message, or an agent turn (inference,
 * tool calls, observation). `model_name`, `reasoning_effort`,
 * `reasoning_content`, `tool_calls` and `metrics` belong to agent steps only.
 */
export const Step = Schema.Struct({
  step_id: Schema.Int.annotations({
    message: (issue) => ({ message: `expected an integer, got ${show(issue.actual)}`, override: true })
  }),
  /** ISO 8601. */
  timestamp: optional(Schema.String),
  source: Source,
  model_name: optional(Schema.String),
  reasoning_effort: optional(Schema.Union(Schema.String, Schema.Number)),
  message: Content,
  reasoning_content: optional(Schema.String),
  tool_calls: optional(Schema.Array(ToolCall).annotations({ title: "an array of tool calls" })),
  observation: optional(Observation),
  metrics: optional(StepMetrics),
  /** ATIF-v1.5+: copied from an earlier trajectory for context. */
  is_copied_context: optional(Schema.Boolean),
  /** ATIF-v1.7+: how many LLM calls the step stands for (0: none). */
  llm_call_count: optional(Count),
  extra: optional(JsonObject)
}).annotations({ title: "a step object" })
export type Step = typeof Step.Type

const trajectoryFields = {
  schema_version: SchemaVersion,
  /** Required before ATIF-v1.7; from v1.7 it is run-scoped and optional (checked in the rules pass). */
  session_id: optional(Schema.String),
  /** ATIF-v1.7+: identifies this document; required on embedded subagents. */
  trajectory_id: optional(Schema.String),
  agent: Agent,
  /** At least one step: a trajectory of no steps is refused, as ATIF's validator does. */
  steps: Schema.Array(Step).annotations({ title: "an array of steps" }).pipe(
    Schema.minItems(1, { message: () => "expected at least one step, got none" })
  ),
  notes: optional(Schema.String),
  final_metrics: optional(FinalMetrics),
  continued_trajectory_ref: optional(Schema.String),
  /**
   * ATIF-v1.7+: complete subagent trajectories embedded in this file. Each is
   * checked like a trajectory of its own (with `trajectory_id` required and
   * `session_id` optional).
   */
  subagent_trajectories: optional(Schema.Array(JsonObject).annotations({ title: "an array of trajectories" })),
  extra: optional(JsonObject)
}

/**
 * An ATIF trajectory. Decode with {@link decodeTrajectory} rather than with
 * this schema alone: the schema checks structure, not the rules between
 * fields (step numbering, tool call references, agent-only fields).
 */
export const Trajectory = Schema.Struct(trajectoryFields).annotations({ title: "a trajectory object" })
export type Trajectory = typeof Trajectory.Type

/** A trajectory inside another's `subagent_trajectories` (ATIF-v1.7). */
const EmbeddedTrajectory = Schema.Struct({
  ...trajectoryFields,
  trajectory_id: Schema.String
}).annotations({ title: "a trajectory object" })
type EmbeddedTrajectory = typeof EmbeddedTrajectory.Type

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** One problem in a trajectory: where (`steps[2].observation.results[0].source_call_id`) and what. */
export interface TrajectoryIssue {
  readonly path: string
  readonly message: string
}

/** The input is not a valid ATIF trajectory; `issues` lists every problem found. */
export class TrajectoryInvalid extends Data.TaggedError("TrajectoryInvalid")<{
  readonly message: string
  readonly issues: ReadonlyArray<TrajectoryIssue>
}> {}

/** How many issues the error message spells out; `issues` always holds them all. */
const MESSAGE_ISSUES = 20

const invalid = (issues: ReadonlyArray<TrajectoryIssue>): TrajectoryInvalid => {
  const listed = issues
    .slice(0, MESSAGE_ISSUES)
    .map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`))
  const more = issues.length > MESSAGE_ISSUES ? `; and ${issues.length - MESSAGE_ISSUES} more` : ""
  return new TrajectoryInvalid({ message: `invalid ATIF trajectory: ${listed.join("; ")}${more}`, issues })
}

// ---------------------------------------------------------------------------
// Structural pass
// ---------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

const joinPath = (base: string, key: PropertyKey): string => {
  if (typeof key === "number") return `${base}[${key}]`
  const name = String(key)
  if (!IDENTIFIER.test(name)) return `${base}[${JSON.stringify(name)}]`
  return base === "" ? name : `${base}.${name}`
}

const EXPECTED = /^Expected ([\s\S]*), actual ([\s\S]*)$/
const NULL_OR_UNDEFINED = /^Expected (null|undefined), actual /

const describeExpected = (expected: string): string =>
  expected.startsWith("{") ? "an object" : expected.startsWith("ReadonlyArray<") ? "an array" : expected

/**
 * Turns Effect's flat list of schema issues into one readable issue per place:
 * drops the `null`/`undefined` alternatives of optional fields, drops a
 * union's shallow alternative when a deeper issue says more, and merges the
 * remaining alternatives ("expected string or an array of content parts").
 */
const fromParseError = (base: string, error: ParseResult.ParseError): Array<TrajectoryIssue> => {
  const raw = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: issue.path.reduce<string>(joinPath, base),
    message: issue.message
  }))
  const byPath = new Map<string, Array<string>>()
  for (const issue of raw) {
    const list = byPath.get(issue.path) ?? []
    list.push(issue.message)
    byPath.set(issue.path, list)
  }
  // Every proper prefix of a path with an issue: a path in here has deeper issues.
  const parents = new Set<string>()
  for (const path of byPath.keys()) {
    for (let i = 1; i < path.length; i++) {
      if (path[i] === "." || path[i] === "[") parents.add(path.slice(0, i))
    }
  }
  const issues: Array<TrajectoryIssue> = []
  for (const [path, all] of byPath) {
    const deeper = parents.has(path)
    let messages = all.filter((m) => !NULL_OR_UNDEFINED.test(m))
    if (messages.length === 0) messages = all
    const typeMessages = messages.filter((m) => EXPECTED.test(m))
    if (deeper && typeMessages.length === messages.length) continue
    const others = messages.filter((m) => !EXPECTED.test(m))
    for (const message of others) issues.push({ path, message })
    if (typeMessages.length > 0) {
      const expected: Array<string> = []
      let actual = ""
      for (const m of typeMessages) {
        const match = EXPECTED.exec(m)
        if (match === null) continue
        const what = describeExpected(match[1] ?? "")
        if (!expected.includes(what)) expected.push(what)
        actual = match[2] ?? ""
      }
      issues.push({ path, message: `expected ${expected.join(" or ")}, got ${actual}` })
    }
  }
  return issues
}

// ---------------------------------------------------------------------------
// Rules between fields
// ---------------------------------------------------------------------------

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/

/** Whether `text` is an ISO 8601 date or date-time naming a real calendar day and time. */
export const isIso8601 = (text: string): boolean => {
  const match = ISO_8601.exec(text)
  if (match === null) return false
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1) return false
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return false
  if (match[4] !== undefined && Number(match[4]) > 23) return false
  if (match[5] !== undefined && Number(match[5]) > 59) return false
  if (match[6] !== undefined && Number(match[6]) > 59) return false
  return true
}

const AGENT_ONLY = ["model_name", "reasoning_effort", "reasoning_content", "tool_calls", "metrics"] as const

const present = (value: unknown): boolean => value !== undefined && value !== null

const checkContent = (content: Content | null | undefined, path: string, issues: Array<TrajectoryIssue>) => {
  if (content === undefined || content === null || typeof content === "string") return
  content.forEach((part, i) => {
    const at = `${path}[${i}]`
    if (part.type === "text") {
      if (!present(part.text)) issues.push({ path: `${at}.text`, message: "a text content part needs text" })
      if (present(part.source)) issues.push({ path: `${at}.source`, message: "a text content part has no source" })
    } else {
      if (!present(part.source)) issues.push({ path: `${at}.source`, message: "an image content part needs a source" })
      if (present(part.text)) issues.push({ path: `${at}.text`, message: "an image content part has no text" })
    }
  })
}

const checkStep = (
  step: Step,
  index: number,
  previous: Step | undefined,
  base: string,
  version: AtifVersion,
  issues: Array<TrajectoryIssue>
) => {
  const at = joinPath(joinPath(base, "steps"), index)
  const expectedId = index + 1
  // A step that merely continues the previous step's wrong numbering is not reported again.
  const continuesPrevious = previous !== undefined && previous.step_id !== index && step.step_id === previous.step_id + 1
  if (step.step_id !== expectedId && !continuesPrevious) {
    issues.push({
      path: `${at}.step_id`,
      message: `expected ${expectedId} (steps are numbered from 1 without gaps), got ${step.step_id}`
    })
  }
  const stepName = step.step_id === expectedId ? `step ${expectedId}` : `step ${step.step_id} (the ${ordinal(expectedId)} step)`
  if (typeof step.timestamp === "string" && !isIso8601(step.timestamp)) {
    issues.push({ path: `${at}.timestamp`, message: `expected an ISO 8601 date-time, got ${show(step.timestamp)}` })
  }
  if (step.source !== "agent") {
    for (const field of AGENT_ONLY) {
      if (present(step[field])) {
        issues.push({
          path: `${at}.${field}`,
          message: `only agent steps may have ${field}; this step's source is "${step.source}"`
        })
      }
    }
  } else if (step.llm_call_count === 0) {
    for (const field of ["metrics", "reasoning_content"] as const) {
      if (present(step[field])) {
        issues.push({
          path: `${at}.${field}`,
          message: `must be absent when llm_call_count is 0 (a step without an LLM call)`
        })
      }
    }
  }
  checkContent(step.message, `${at}.message`, issues)

  const toolCallIds = new Set<string>()
  ;(step.tool_calls ?? []).forEach((call, j) => {
    if (toolCallIds.has(call.tool_call_id)) {
      issues.push({
        path: `${at}.tool_calls[${j}].tool_call_id`,
        message: `${show(call.tool_call_id)} is used by another tool call of ${stepName}`
      })
    } else {
      toolCallIds.add(call.tool_call_id)
    }
  })

  const results = step.observation?.results ?? []
  results.forEach((result, j) => {
    const resultAt = `${at}.observation.results[${j}]`
    const callId = result.source_call_id
    if (typeof callId === "string" && !toolCallIds.has(callId)) {
      const known =
        toolCallIds.size === 0
          ? `${stepName} has no tool calls`
          : `its tool_call_ids are ${[...toolCallIds].map((id) => show(id)).join(", ")}`
      issues.push({
        path: `${resultAt}.source_call_id`,
        message: `${show(callId)} matches no tool call of ${stepName} (${known})`
      })
    }
    checkContent(result.content, `${resultAt}.content`, issues)
    if (version === "ATIF-v1.7") {
      ;(result.subagent_trajectory_ref ?? []).forEach((ref, k) => {
        if (!present(ref.trajectory_id) && !present(ref.trajectory_path)) {
          issues.push({
            path: `${resultAt}.subagent_trajectory_ref[${k}]`,
            message: "an ATIF-v1.7 reference needs trajectory_id or trajectory_path (session_id alone does not resolve)"
          })
        }
      })
    }
  })
}

const ordinal = (n: number): string => {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  switch (n % 10) {
    case 1:
      return `${n}st`
    case 2:
      return `${n}nd`
    case 3:
      return `${n}rd`
    default:
      return `${n}th`
  }
}

/** How deep `subagent_trajectories` may nest before the input is refused. */
const MAX_NESTING = 16

const parseOptions = { errors: "all", onExcessProperty: "preserve" } as const

// Compiled at first use: compiling the whole ATIF schema was a third of what importing logbook cost.
const decodeRoot = onFirstCall(() => Schema.decodeUnknownEither(Trajectory, parseOptions))
const decodeEmbedded = onFirstCall(() => Schema.decodeUnknownEither(EmbeddedTrajectory, parseOptions))

/** Checks the rules between fields of a structurally valid trajectory, then its embedded subagents. */
const checkRules = (
  trajectory: Trajectory | EmbeddedTrajectory,
  base: string,
  depth: number,
  issues: Array<TrajectoryIssue>
) => {
  trajectory.steps.forEach((step, i) =>
    checkStep(step, i, trajectory.steps[i - 1], base, trajectory.schema_version, issues)
  )
  const embedded = trajectory.subagent_trajectories ?? []
  if (embedded.length === 0) return
  const listAt = joinPath(base, "subagent_trajectories")
  if (depth >= MAX_NESTING) {
    issues.push({ path: listAt, message: `subagent trajectories nest deeper than ${MAX_NESTING} levels` })
    return
  }
  const seen = new Set<string>()
  embedded.forEach((child, i) => {
    const at = joinPath(listAt, i)
    const decoded = decodeEmbedded(child)
    if (Either.isLeft(decoded)) {
      issues.push(...fromParseError(at, decoded.left))
      return
    }
    const id = decoded.right.trajectory_id
    if (seen.has(id)) {
      issues.push({
        path: `${at}.trajectory_id`,
        message: `${show(id)} is used by another embedded subagent trajectory`
      })
    }
    seen.add(id)
    checkRules(decoded.right, at, depth + 1, issues)
  })
}

/** All problems of `input` as a trajectory; empty when it is valid. */
const findIssues = (
  input: unknown,
  decoded: Either.Either<Trajectory, ParseResult.ParseError>
): ReadonlyArray<TrajectoryIssue> => {
  const issues: Array<TrajectoryIssue> = []
  // session_id is required before ATIF-v1.7 (an unsupported version counts as before).
  const isObject = typeof input === "object" && input !== null && !Array.isArray(input)
  const member = (key: string): unknown => (isObject ? Reflect.get(input, key) : undefined)
  if (isObject && member("schema_version") !== "ATIF-v1.7" && !present(member("session_id"))) {
    issues.push({ path: "session_id", message: "is missing" })
  }
  if (Either.isLeft(decoded)) return [...issues, ...fromParseError("", decoded.left)]
  checkRules(decoded.right, "", 0, issues)
  return issues
}

/** Narrows `input` once its structural decode succeeded (the schemas do not transform). */
const conforms = (_input: unknown, decoded: Either.Either<Trajectory, ParseResult.ParseError>): _input is Trajectory =>
  Either.isRight(decoded)

// ---------------------------------------------------------------------------
// Public decoding
// ---------------------------------------------------------------------------

/**
 * Validates `input` (already parsed JSON) as an ATIF trajectory, versions
 * 1.0 to 1.7.
 *
 * On success the result is `input` itself — not a copy — so unknown fields
 * (`extra` and any other key) and key order are exactly as given. On failure
 * the error lists every problem found, each naming its place, e.g.
 * `steps[2].observation.results[0].source_call_id: "call_9" matches no tool call of step 3`.
 */
export const validateTrajectory = (input: unknown): Either.Either<Trajectory, TrajectoryInvalid> => {
  const decoded = decodeRoot(input)
  const issues = findIssues(input, decoded)
  if (issues.length > 0 || !conforms(input, decoded)) {
    return Either.left(invalid(issues.length > 0 ? issues : [{ path: "", message: "not a trajectory" }]))
  }
  return Either.right(input)
}

/** {@link validateTrajectory} as an Effect. */
export const decodeTrajectory = (input: unknown): Effect.Effect<Trajectory, TrajectoryInvalid> =>
  Either.match(validateTrajectory(input), {
    onLeft: (error) => Effect.fail(error),
    onRight: (trajectory) => Effect.succeed(trajectory)
  })

/**
 * Parses JSON text and validates it with {@link validateTrajectory}. Text that
 * is not JSON fails with a single issue at the root.
 */
export const decodeTrajectoryJson = (text: string): Effect.Effect<Trajectory, TrajectoryInvalid> =>
  Effect.suspend(() => {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause)
      return Effect.fail(invalid([{ path: "", message: `not valid JSON: ${reason}` }]))
    }
    return decodeTrajectory(parsed)
  })

// ---------------------------------------------------------------------------
// Summaries for the store's index
// ---------------------------------------------------------------------------

/** What the store indexes about a trajectory. */
export interface TrajectorySummary {
  /** Absent from an ATIF-v1.7 root that has none. */
  readonly sessionId: string | null
  readonly schemaVersion: AtifVersion
  readonly agentName: string
  readonly agentVersion: string
  /** `agent.model_name`, else the first step's `model_name`, else null. */
  readonly modelName: string | null
  readonly stepCount: number
  /** The timestamp of the first step that has one, as written; null when no step has one. */
  readonly firstStepAt: string | null
  /** The timestamp of the last step that has one, as written; null when no step has one. */
  readonly lastStepAt: string | null
  /** `final_metrics.total_prompt_tokens`, else the sum over steps, else null. */
  readonly totalPromptTokens: number | null
  /** `final_metrics.total_completion_tokens`, else the sum over steps, else null. */
  readonly totalCompletionTokens: number | null
  /** `final_metrics.total_cost_usd`, else the sum over steps, else null. */
  readonly totalCostUsd: number | null
}

const total = (
  fromFinal: number | null | undefined,
  steps: ReadonlyArray<Step>,
  pick: (metrics: StepMetrics) => number | null | undefined
): number | null => {
  if (typeof fromFinal === "number") return fromFinal
  let sum: number | null = null
  for (const step of steps) {
    const value = step.metrics ? pick(step.metrics) : undefined
    if (typeof value === "number") sum = (sum ?? 0) + value
  }
  return sum
}

/** The fields the store indexes a trajectory on. */
export const summarize = (t: Trajectory): TrajectorySummary => {
  const timestamps = t.steps.flatMap((step) => (typeof step.timestamp === "string" ? [step.timestamp] : []))
  const stepModel = t.steps.find((step) => typeof step.model_name === "string")?.model_name
  return {
    sessionId: t.session_id ?? null,
    schemaVersion: t.schema_version,
    agentName: t.agent.name,
    agentVersion: t.agent.version,
    modelName: t.agent.model_name ?? stepModel ?? null,
    stepCount: t.steps.length,
    firstStepAt: timestamps[0] ?? null,
    lastStepAt: timestamps[timestamps.length - 1] ?? null,
    totalPromptTokens: total(t.final_metrics?.total_prompt_tokens, t.steps, (m) => m.prompt_tokens),
    totalCompletionTokens: total(t.final_metrics?.total_completion_tokens, t.steps, (m) => m.completion_tokens),
    totalCostUsd: total(t.final_metrics?.total_cost_usd, t.steps, (m) => m.cost_usd)
  }
}

const contentText = (content: Content | null | undefined): Array<string> => {
  if (content === undefined || content === null) return []
  if (typeof content === "string") return [content]
  return content.map((part) =>
    part.type === "text" && typeof part.text === "string" ? part.text : JSON.stringify(part)
  )
}

/**
 * The text full-text search indexes: for each step in order, its message,
 * its reasoning_content, then the content of each observation result, one
 * per line. Text content parts contribute their text; any other non-string
 * content contributes its JSON text. Empty pieces are left out.
 */
export const searchableText = (t: Trajectory): string => {
  const pieces: Array<string> = []
  for (const step of t.steps) {
    pieces.push(...contentText(step.message))
    if (typeof step.reasoning_content === "string") pieces.push(step.reasoning_content)
    for (const result of step.observation?.results ?? []) pieces.push(...contentText(result.content))
  }
  return pieces.filter((piece) => piece !== "").join("\n")
}
