/**
 * Never break the agent's flow: run a persistence effect so that any failure
 * becomes a structured warning and `Option.none()`.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { makeRedactor, Redactor, type RedactorService } from "./redaction/Redactor.js"

/** The redactor used when none is provided, built on first use (not at every import). */
let defaultRedactor: RedactorService | undefined

/** The cause itself when its text holds no secret, else a defect carrying its redacted text. */
const redactCause = <E>(redactor: RedactorService, cause: Cause.Cause<E>): Cause.Cause<unknown> => {
  const text = Cause.pretty(cause)
  const safe = redactor.redactText(text)
  return safe === text ? cause : Cause.die(safe)
}

/** Every string annotation (and every string inside an object annotation) redacted. */
const redactAnnotations = (redactor: RedactorService, annotations: Record<string, unknown>): Record<string, unknown> =>
  redactor.redactJson(annotations)

const scalar = (value: unknown): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"

/**
 * The annotations of a failure: its tag, every scalar field (operation,
 * reason, ids) and its message as `detail`, so that a logfmt line carries
 * one `message=` (the log's own).
 */
export const annotationsOf = (error: unknown): Record<string, string | number | boolean> => {
  if (typeof error !== "object" || error === null) return { error: String(error) }
  const annotations: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(error)) {
    if (key !== "message" && key !== "cause" && key !== "stack" && scalar(value)) annotations[key] = value
  }
  if ("_tag" in error && scalar(error._tag)) annotations.error = error._tag
  if (error instanceof Error) annotations.detail = error.message
  return annotations
}

/**
 * Runs `effect`; on failure logs a warning annotated with the error's
 * operation, reason and ids (plus `annotations`) and succeeds with
 * `Option.none()`. A defect is logged at error level with its cause and also
 * yields `Option.none()`; interruption is not caught.
 */
export const bestEffort = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  annotations: Record<string, unknown> = {}
): Effect.Effect<Option.Option<A>, never, R> =>
  effect.pipe(
    Effect.map(Option.some),
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.interrupt
      const failure = Cause.failureOption(cause)
      return Effect.flatMap(Effect.serviceOption(Redactor), (configured) => {
        // Annotations carry ids and messages given by the caller: they are redacted like stored values.
        const redactor = Option.getOrElse(configured, () => (defaultRedactor ??= makeRedactor()))
        const log = Option.isSome(failure)
          ? Effect.logWarning("logbook: a persistence operation failed; the flow goes on").pipe(
            Effect.annotateLogs(redactAnnotations(redactor, { ...annotations, ...annotationsOf(failure.value) }))
          )
          : Effect.logError("logbook: a persistence operation failed with a defect; the flow goes on", redactCause(redactor, cause))
            .pipe(Effect.annotateLogs(redactAnnotations(redactor, annotations)))
        return Effect.as(log, Option.none<A>())
      })
    })
  )

/** Pipeable {@link bestEffort}: `store.save(state).pipe(orLog({ taskId }))`. */
export const orLog = (annotations: Record<string, unknown> = {}) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<Option.Option<A>, never, R> => bestEffort(effect, annotations)
