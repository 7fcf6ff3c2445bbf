/**
 * A task read and moved without its whole history: what `StateStore.step`
 * takes and returns, what `StateStore.current` reads, and the pages of
 * `StateStore.history`.
 *
 * @module
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { JsonObject, JsonValue } from "./Json.js"
import type { Checkpoint, Transition } from "./PersistedState.js"

const Name = Schema.NonEmptyString

/**
 * One step of a workflow, written in one transaction: the move to `to`
 * (appended to the history), the task's new context when given, and a
 * checkpoint of the task as it is after the move when `checkpoint` is given.
 */
export const StepRequest = Schema.Struct({
  to: Name,
  event: Name,
  metadata: Schema.optional(JsonObject),
  /** Compare-and-set: the step happens only if the task is in this state now. */
  expected: Schema.optional(Name),
  /** Replaces the stored context (without `checkpoints`, which belong to the task). */
  context: Schema.optional(JsonObject),
  /** Takes a checkpoint of the new state and context, with these artifacts. */
  checkpoint: Schema.optional(Schema.Struct({ artifacts: Schema.optional(Schema.Array(JsonValue)) }))
})
export type StepRequest = typeof StepRequest.Encoded

/** What a step wrote. */
export interface StepResult {
  readonly taskId: string
  /** The state the task is in now. */
  readonly state: string
  /** The number of the appended transition (1 for the first). */
  readonly seq: number
  /** The checkpoint taken, when one was asked for. */
  readonly checkpointId: Option.Option<string>
}

/**
 * A task as an orchestrator resumes it: its current state and context, its
 * latest checkpoint and its last transitions; the cost of reading it does not
 * grow with the history. The rest of the history is read a page at a time
 * with `StateStore.history`.
 */
export interface CurrentState {
  readonly taskId: string
  readonly projectId: string
  readonly state: string
  /** The stored context, without `checkpoints`. */
  readonly context: { readonly [key: string]: unknown }
  readonly updatedAt: string
  /** How many transitions the history holds. */
  readonly transitions: number
  /** The last transitions (at most the `recent` asked for), oldest first. */
  readonly recent: ReadonlyArray<Transition>
  /** The latest checkpoint. */
  readonly checkpoint: Option.Option<Checkpoint>
}

/** Options of `StateStore.current`. */
export interface CurrentOptions {
  /** How many of the last transitions to read (default 10). */
  readonly recent?: number | undefined
}

/** A page of `StateStore.history`: transitions after number `after` (default 0), at most `limit` (default 100). */
export interface HistoryPage {
  readonly after?: number | undefined
  readonly limit?: number | undefined
}
