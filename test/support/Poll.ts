/**
 * Waiting for a condition instead of sleeping a fixed time: `eventually`
 * retries a check until it holds (or a deadline passes), `nextMillisecond`
 * waits until the wall clock has moved on, for distinct timestamps.
 */
import * as Effect from "effect/Effect"

const tick = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

/** Runs `check` until it succeeds, every few milliseconds, failing with its last error after `timeoutMs`. */
export const eventually = <A, E, R>(check: Effect.Effect<A, E, R>, timeoutMs = 20_000): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const deadline = Date.now() + timeoutMs
    const attempt: Effect.Effect<A, E, R> = Effect.catchAll(
      check,
      (error) => Date.now() > deadline ? Effect.fail(error) : Effect.zipRight(Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 10))), attempt)
    )
    return attempt
  })

/** Waits until `Date.now()` is past the millisecond it was called in. */
export const nextMillisecond: Effect.Effect<void> = Effect.suspend(() => {
  const start = Date.now()
  const wait: Effect.Effect<void> = Effect.suspend(() => Date.now() > start ? Effect.void : Effect.zipRight(tick, wait))
  return wait
})
