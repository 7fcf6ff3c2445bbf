/**
 * The order trajectory writes are applied in: each `save` and `record` is
 * stamped when it is called, and a stored trajectory is only replaced by a
 * write stamped later, so a write that reaches the database late (a
 * `record` spooled while the database was unavailable and replayed after a
 * newer `save`) never replaces a newer one.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** Stamps per millisecond: a stamp is the caller's clock in milliseconds times this, plus a sequence. */
const PER_MILLISECOND = 1000

let last = 0

/**
 * The next stamp of this process: the caller's clock (Effect's `Clock`) in
 * milliseconds × 1,000, raised past the previous stamp when the clock did not
 * move on (several writes within a millisecond) or went back, so stamps of
 * one process always increase in the order writes are called.
 */
export const nextWriteOrder: Effect.Effect<number> = Effect.map(Clock.currentTimeMillis, (millis) => {
  last = Math.max(millis * PER_MILLISECOND, last + 1)
  return last
})

/**
 * The stamp of a write that carries none (a record spooled by a version
 * without stamps): the time it was saved or recorded, at the start of its
 * millisecond, so it never wins over a write called later.
 */
export const writeOrderOf = (at: string): number => Date.parse(at) * PER_MILLISECOND
