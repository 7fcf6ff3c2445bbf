/**
 * A workload of the profile: the logbook operation and the faster baseline
 * it is held against, each a loop that the harness runs under the profiler.
 */
import type { Loop } from "./cpuProfile.js"

/** One side of a comparison. */
export interface Side {
  readonly name: string
  readonly loop: Loop
}

/** A logbook operation against its baseline, measured per `unit`. */
export interface Pair {
  /** Short name, used for file names, e.g. `ingest-record`. */
  readonly slug: string
  readonly workload: string
  readonly unit: string
  readonly durability: string
  /** The target, as a speed ratio (baseline µs/op ÷ logbook µs/op). */
  readonly target: string
  readonly logbook: Side
  readonly baseline: Side
}

/** The pairs of one group of workloads and what to release after them. */
export interface Workloads {
  readonly pairs: ReadonlyArray<Pair>
  readonly close: () => Promise<void>
}
