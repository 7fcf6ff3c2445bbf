/** Keeps the warnings and errors an effect logs, for specs that wait on them. */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"

/** Runs `effect` with its warnings and errors pushed to `logs` (and not printed). */
export const keepingLogs = (logs: Array<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.locallyWith(
    effect,
    FiberRef.currentLoggers,
    () =>
      HashSet.make(Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning" || logLevel._tag === "Error") {
          logs.push(Array.isArray(message) ? message.join(" ") : String(message))
        }
      }))
  )

/** Polls `condition` every 10 ms (real time) until it holds, failing the spec after `timeoutMillis`. */
export const until = (condition: () => boolean, timeoutMillis = 30_000) =>
  Effect.gen(function*() {
    const start = Date.now()
    while (!condition()) {
      if (Date.now() - start > timeoutMillis) return yield* Effect.dieMessage("condition not reached in time")
      yield* Effect.sleep("10 millis")
    }
  })
