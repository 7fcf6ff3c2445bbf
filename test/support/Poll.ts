/**
 * Waiting for a condition instead of sleeping a fixed time: `eventually`
 * retries a check until it holds (or a deadline passes); `nextMillisecond`
 * moves the test clock on, for distinct timestamps (stores stamp Effect's `Clock`).
 */
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"

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

/** Moves the test clock on by a millisecond, for distinct stamps: the stores stamp Effect's `Clock`. */
export const nextMillisecond: Effect.Effect<void> = TestClock.adjust("1 millis")
