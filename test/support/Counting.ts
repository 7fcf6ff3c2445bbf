/**
 * Counters for specs about how often something runs: the Redactor's calls,
 * and the transactions an effect begins (each attempt of a retried
 * transaction is one).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import { Redactor, type RedactorService } from "../../src/redaction/Redactor.js"

/** The default Redactor, counting every call of its service. */
export const countingRedactor = () => {
  let calls = 0
  const count = <A extends ReadonlyArray<unknown>, B>(f: (...args: A) => B) => (...args: A): B => {
    calls++
    return f(...args)
  }
  const counted = (redactor: RedactorService): RedactorService => ({
    ...redactor,
    redactText: count(redactor.redactText),
    redactIdentifier: count(redactor.redactIdentifier),
    redactJson: count(redactor.redactJson),
    scoped: (scope) => counted(redactor.scoped(scope))
  })
  const layer = Layer.effect(Redactor, Effect.map(Redactor, counted)).pipe(Layer.provide(Redactor.Default))
  return { layer, calls: () => calls }
}

/**
 * Runs `self` and counts the transactions it begins: the `sql.transaction`
 * spans of @effect/sql, one per attempt.
 */
export const countingTransactions = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.tracer, (tracer) => {
    let transactions = 0
    const counting = Tracer.make({
      span: (name, ...rest) => {
        if (name === "sql.transaction") transactions++
        return tracer.span(name, ...rest)
      },
      context: (f, fiber) => tracer.context(f, fiber)
    })
    return Effect.map(Effect.withTracer(self, counting), (value) => ({ value, transactions }))
  })
