/**
 * A progress bar for long commands (export, import, prune, backup), drawn on
 * stderr only when stderr is a terminal: pipes, files and tests see nothing.
 */
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

/** Where a bar is drawn; `process.stderr` by default. */
export interface ProgressTarget {
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
  readonly write: (text: string) => unknown
}

/** A running bar. */
export interface Progress {
  /** Counts `n` more units done. */
  readonly advance: (n: number) => Effect.Effect<void>
  /** Sets the total once it is known (a bar started without one). */
  readonly setTotal: (total: number) => Effect.Effect<void>
}

const silent: Progress = { advance: () => Effect.void, setTotal: () => Effect.void }

const WIDTH = 24
const FRAME = "100 millis"

/** The bar's text: a filled bar with a percentage when the total is known, else a moving block and the count so far. */
export const renderProgress = (label: string, done: number, total: number | undefined, tick: number): string => {
  if (total !== undefined && total > 0) {
    const ratio = Math.min(1, done / total)
    const filled = Math.round(ratio * WIDTH)
    return `${label} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${
      Math.min(done, total)
    }/${total}`
  }
  const block = 4
  const span = WIDTH - block
  const at = span === 0 ? 0 : Math.abs((tick % (2 * span)) - span)
  const bar = `${"-".repeat(span - at)}${"#".repeat(block)}${"-".repeat(at)}`
  return `${label} [${bar}]${done > 0 ? ` ${done}` : ""}`
}

/**
 * Runs `use` with a progress bar labelled `label` over `total` units (a moving
 * bar when the total is unknown). On a terminal the bar is redrawn ten times a
 * second and erased at the end, whatever the outcome; elsewhere nothing is
 * drawn and `advance` does nothing.
 */
export const withProgress = <A, E, R>(
  label: string,
  initialTotal: number | undefined,
  use: (progress: Progress) => Effect.Effect<A, E, R>,
  target: ProgressTarget = process.stderr
): Effect.Effect<A, E, R> => {
  if (target.isTTY !== true) return use(silent)
  return Effect.scoped(Effect.gen(function*() {
    let total = initialTotal
    let done = 0
    let tick = 0
    const draw = () => {
      const columns = target.columns !== undefined && target.columns > 20 ? target.columns - 1 : 79
      target.write(`\r${renderProgress(label, done, total, tick).slice(0, columns)}\u001b[K`)
    }
    yield* Effect.addFinalizer(() => Effect.sync(() => target.write("\r\u001b[K")))
    draw()
    yield* Effect.forkScoped(
      Effect.repeat(Effect.sync(() => {
        tick++
        draw()
      }), Schedule.spaced(FRAME))
    )
    return yield* use({
      advance: (n) =>
        Effect.sync(() => {
          done += n
        }),
      setTotal: (n) =>
        Effect.sync(() => {
          total = n
        })
    })
  }))
}

/** Runs `effect` under a moving bar (its amount of work is not known in advance). */
export const withActivity = <A, E, R>(
  label: string,
  effect: Effect.Effect<A, E, R>,
  target: ProgressTarget = process.stderr
): Effect.Effect<A, E, R> => withProgress(label, undefined, () => effect, target)
