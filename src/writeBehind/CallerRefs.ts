/**
 * The refs of a record's caller that a warning about the record (a refusal,
 * logged later by the writer) is logged and traced with, read at the call
 * without copying the caller's whole set of fiber refs.
 *
 * @module
 */
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"

/**
 * The caller's fiber refs that a warning is logged and traced with: its
 * loggers and minimum level, log annotations and spans, tracing settings and
 * default services (clock, tracer). Read one by one at the call: taking the
 * fiber's whole set of refs would copy it on every record.
 */
export interface CallerRefs {
  readonly loggers: ValueOf<typeof FiberRef.currentLoggers>
  readonly minimumLogLevel: ValueOf<typeof FiberRef.currentMinimumLogLevel>
  readonly logAnnotations: ValueOf<typeof FiberRef.currentLogAnnotations>
  readonly logSpans: ValueOf<typeof FiberRef.currentLogSpan>
  readonly tracerEnabled: ValueOf<typeof FiberRef.currentTracerEnabled>
  readonly tracerTimingEnabled: ValueOf<typeof FiberRef.currentTracerTimingEnabled>
  readonly tracerSpanAnnotations: ValueOf<typeof FiberRef.currentTracerSpanAnnotations>
  readonly tracerSpanLinks: ValueOf<typeof FiberRef.currentTracerSpanLinks>
  readonly services: ValueOf<typeof DefaultServices.currentServices>
}

/** The value a fiber ref holds. */
type ValueOf<Ref> = Ref extends FiberRef.FiberRef<infer A> ? A : never

/** What a fiber's refs are read with: `FiberRuntime.getFiberRef`. */
interface RefReader {
  readonly getFiberRef: <A>(ref: FiberRef.FiberRef<A>) => A
}

/** The refs last read: a caller recording in a loop reads the same ones, which its submissions then share. */
let lastCallerRefs: CallerRefs | undefined

/** The caller's refs (see {@link CallerRefs}): the object read before when every ref is the same, so that none is allocated. */
export const callerRefs = (fiber: RefReader): CallerRefs => {
  const loggers = fiber.getFiberRef(FiberRef.currentLoggers)
  const minimumLogLevel = fiber.getFiberRef(FiberRef.currentMinimumLogLevel)
  const logAnnotations = fiber.getFiberRef(FiberRef.currentLogAnnotations)
  const logSpans = fiber.getFiberRef(FiberRef.currentLogSpan)
  const tracerEnabled = fiber.getFiberRef(FiberRef.currentTracerEnabled)
  const tracerTimingEnabled = fiber.getFiberRef(FiberRef.currentTracerTimingEnabled)
  const tracerSpanAnnotations = fiber.getFiberRef(FiberRef.currentTracerSpanAnnotations)
  const tracerSpanLinks = fiber.getFiberRef(FiberRef.currentTracerSpanLinks)
  const services = fiber.getFiberRef(DefaultServices.currentServices)
  const last = lastCallerRefs
  if (
    last !== undefined && last.loggers === loggers && last.minimumLogLevel === minimumLogLevel &&
    last.logAnnotations === logAnnotations && last.logSpans === logSpans && last.tracerEnabled === tracerEnabled &&
    last.tracerTimingEnabled === tracerTimingEnabled && last.tracerSpanAnnotations === tracerSpanAnnotations &&
    last.tracerSpanLinks === tracerSpanLinks && last.services === services
  ) return last
  lastCallerRefs = {
    loggers,
    minimumLogLevel,
    logAnnotations,
    logSpans,
    tracerEnabled,
    tracerTimingEnabled,
    tracerSpanAnnotations,
    tracerSpanLinks,
    services
  }
  return lastCallerRefs
}

/** `effect` run with the caller's refs (see {@link CallerRefs}). */
export const asCaller = (caller: CallerRefs) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  effect.pipe(
    Effect.locally(FiberRef.currentLoggers, caller.loggers),
    Effect.locally(FiberRef.currentMinimumLogLevel, caller.minimumLogLevel),
    Effect.locally(FiberRef.currentLogAnnotations, caller.logAnnotations),
    Effect.locally(FiberRef.currentLogSpan, caller.logSpans),
    Effect.locally(FiberRef.currentTracerEnabled, caller.tracerEnabled),
    Effect.locally(FiberRef.currentTracerTimingEnabled, caller.tracerTimingEnabled),
    Effect.locally(FiberRef.currentTracerSpanAnnotations, caller.tracerSpanAnnotations),
    Effect.locally(FiberRef.currentTracerSpanLinks, caller.tracerSpanLinks),
    Effect.locally(DefaultServices.currentServices, caller.services)
  )
