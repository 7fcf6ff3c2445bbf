/**
 * One record as its caller hands it over: the sink, the preparation still to
 * run (validation, redaction, the default timestamp) and just enough of the
 * caller's fiber to run it later as if it ran at the call: the instant of the
 * call, the caller's context (its services and span) and the fiber refs a
 * warning of a refused record is logged and traced with (see
 * {@link CallerRefs}).
 *
 * Taking a submission is the only work done on the caller's fiber; the
 * writer prepares it (see {@link prepare}).
 *
 * @module
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRefs from "effect/FiberRefs"
import type * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { randomUUID } from "node:crypto"
import { asCaller, type CallerRefs, callerRefs } from "./CallerRefs.js"
import * as Metrics from "./Metrics.js"
import { neverFails } from "./NeverFails.js"
import type { RecordSink } from "./RecordSink.js"
import type { SpoolLine } from "./Spool.js"

/** A record waiting to be prepared by the writer. */
export interface Submission {
  readonly _tag: "Submission"
  readonly kind: string
  /** The sink's encoder (to the spool's JSON form). */
  readonly encode: (value: unknown) => Either.Either<unknown, ParseResult.ParseError>
  /** The operation named in the warning when the record is refused (`AuditLog.record`). */
  readonly operation: string
  /**
   * Validates, redacts and builds the value; its failure refuses the record.
   * A plain function of the call's instant (milliseconds) runs without an
   * effect per record.
   */
  readonly prepare: Effect.Effect<unknown, unknown> | PlainPreparation<unknown, unknown>
  /** Annotations of the refusal warning, computed only when the record is refused. */
  readonly annotations: (() => Record<string, unknown>) | undefined
  /** The caller's clock at the call, in milliseconds. */
  readonly at: number
  readonly context: Context.Context<never>
  readonly caller: CallerRefs
}

/**
 * A preparation written as plain code, a function of the call's instant
 * (milliseconds): the value, or why the record is refused.
 */
export type PlainPreparation<A, E> = (at: number) => Either.Either<A, E>

const encoders = new WeakMap<object, (value: unknown) => Either.Either<unknown, ParseResult.ParseError>>()

/**
 * The sink's encoder to the spool form; none at all (the value as it is)
 * when the schema's encoded form is its type (no transformation), as for
 * audit records: the writer then does no schema work on a record it prepared.
 */
const encoderOf = <A, I>(sink: RecordSink<A, I>) => {
  const known = encoders.get(sink)
  if (known !== undefined) return known
  const encode = SchemaAST.encodedAST(sink.schema.ast) === sink.schema.ast
    ? Either.right
    : Schema.encodeUnknownEither(sink.schema)
  encoders.set(sink, encode)
  return encode
}

/**
 * Takes a submission on the caller's fiber: reads the caller's clock, context
 * and the refs of {@link CallerRefs}, nothing more (no validation, no
 * allocation beyond the submission itself).
 */
export const submission = <A, I, E>(
  sink: RecordSink<A, I>,
  operation: string,
  prepare: Effect.Effect<A, E> | PlainPreparation<A, E>,
  annotations: (() => Record<string, unknown>) | undefined,
  handOver: (submission: Submission) => Effect.Effect<void>
): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) =>
    handOver({
      _tag: "Submission",
      kind: sink.kind,
      encode: encoderOf(sink),
      operation,
      prepare,
      annotations,
      at: Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis(),
      context: fiber.currentContext,
      caller: callerRefs(fiber)
    })
  )

/** A clock standing still at `millis`: the preparation sees the instant of the call. */
const frozenAt = (millis: number): Clock.Clock => {
  const nanos = BigInt(millis) * 1_000_000n
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    currentTimeMillis: Effect.succeed(millis),
    unsafeCurrentTimeNanos: () => nanos,
    currentTimeNanos: Effect.succeed(nanos),
    sleep: (duration: Duration.Duration) => Effect.sleep(duration)
  }
}

/**
 * Logs the refusal as the caller would have (its logger, annotations and
 * span): `<operation>: record dropped`, with the reason, through
 * {@link neverFails}; counts it in `logbook_records_refused`.
 */
export const refuse = (submitted: Submission, cause: Cause.Cause<unknown>): Effect.Effect<void> =>
  Effect.zipRight(
    Metrics.refused(1),
    Effect.sync(() => {
      const runtime = Runtime.make({
        context: submitted.context,
        fiberRefs: FiberRefs.empty(),
        runtimeFlags: Runtime.defaultRuntimeFlags
      })
      Runtime.runSync(runtime)(
        Effect.failCause(cause).pipe(neverFails(submitted.operation, submitted.annotations?.() ?? {}), asCaller(submitted.caller))
      )
    })
  )

/** The spool line of a prepared value (encoded, a new idempotency key), or why it cannot be encoded. */
const toLine = (submitted: Submission, value: unknown): Either.Either<SpoolLine, Cause.Cause<unknown>> => {
  const encoded = submitted.encode(value)
  return Either.isLeft(encoded)
    ? Either.left(Cause.die(encoded.left))
    : Either.right({ kind: submitted.kind, key: randomUUID(), value: encoded.right })
}

/**
 * Runs a plain preparation (see {@link PlainPreparation}) at the instant of
 * the call: the spool line, or the cause of the refusal (a thrown exception
 * is a defect). No effect runs.
 */
export const preparePlain = (
  submitted: Submission,
  preparation: PlainPreparation<unknown, unknown>
): Either.Either<SpoolLine, Cause.Cause<unknown>> => {
  let prepared: Either.Either<unknown, unknown>
  try {
    prepared = preparation(submitted.at)
  } catch (defect) {
    return Either.left(Cause.die(defect))
  }
  return Either.isLeft(prepared) ? Either.left(Cause.fail(prepared.left)) : toLine(submitted, prepared.right)
}

/**
 * Prepares a submission on the writer's fiber, with the clock frozen at the
 * call: the spool line to write (value encoded, a new idempotency key), or
 * nothing when the record is refused (logged and counted, never a failure).
 */
export const prepare = (submitted: Submission): Effect.Effect<SpoolLine | undefined> => {
  const preparation = submitted.prepare
  const prepared = isPlain(preparation)
    ? Effect.sync(() => preparePlain(submitted, preparation))
    : Effect.map(
      Effect.exit(Effect.withClock(preparation, frozenAt(submitted.at))),
      (exit): Either.Either<SpoolLine, Cause.Cause<unknown>> =>
        exit._tag === "Failure" ? Either.left(exit.cause) : toLine(submitted, exit.value)
    )
  return Effect.flatMap(prepared, (line) =>
    Either.isRight(line) ? Effect.succeed(line.right) : Effect.as(refuse(submitted, line.left), undefined))
}

/** Whether a submission's preparation is plain code (a function that is not an effect). */
export const isPlain = (preparation: Submission["prepare"]): preparation is PlainPreparation<unknown, unknown> =>
  !Effect.isEffect(preparation)
