/**
 * The write-behind recorder. Callers only enqueue; one background fiber takes
 * what is queued and commits it in batches, one transaction per batch (group
 * commit). When a batch cannot be committed (the database is busy, read-only,
 * full, or its file was deleted or replaced) it is appended to the spool
 * file, and from then on every record goes to the spool, in order, until a
 * replay writes the spool to the database and empties it. When the spool
 * cannot be written either (a full disk), the records stay in memory, in
 * order, and are retried; `flush` returns only once they are durable. Only a
 * record the database refuses for what it is (a constraint, a value that no
 * longer decodes) is set aside in `<spool>.rejected.jsonl` (beside a
 * database file by default, see `spoolDirectory`), and one that
 * cannot be set aside yet stays in memory too. Idempotency keys make every
 * record land exactly once, whatever is replayed twice.
 *
 * Release drains everything enqueued before it completes; a record arriving
 * while or after the recorder closes is written (fsynced) to a spool file of
 * its own, which the next process replays.
 *
 * Callers hand records over unprepared (`submit`): validation, redaction,
 * encoding and the idempotency key are the writer's work, done when it takes
 * the records, so a caller pays only for putting one item on the queue.
 *
 * Bound: at most `maxPending` records wait in memory; past that `submit`
 * waits for room (backpressure) rather than dropping anything.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Queue from "effect/Queue"
import * as Scope from "effect/Scope"
import { mkdirSync } from "node:fs"
import * as path from "node:path"
import { Database } from "../Database.js"
import { SqlError } from "@effect/sql/SqlError"
import { realClock, withDatabaseErrors } from "../database/SqlFailure.js"
import { DatabaseError } from "../Errors.js"
import { appendDurably } from "../files/WriteFully.js"
import * as Metrics from "./Metrics.js"
import type { ErasedSink } from "./ErasedSink.js"
import {
  claimOrphans,
  type ClaimedSpool,
  newSpoolPath,
  openSpool,
  readSpoolChunk,
  type Spool,
  type SpoolLine,
  writeSpoolFile
} from "./Spool.js"
import { allSinks } from "./sinks.js"
import type { RecordSink } from "./RecordSink.js"
import { isPlain, type PlainPreparation, prepare, preparePlain, refuse, type Submission, submission } from "./Submission.js"
import { WriteBehind } from "./WriteBehind.js"

/** Tuning of the recorder. */
export interface WriteBehindOptions {
  /** Records committed in one transaction at most. Default 1,000. */
  readonly maxBatch?: number
  /** Records waiting in memory at most before `enqueue` waits. Default 100,000. */
  readonly maxPending?: number
  /** How long to wait before retrying the database (or a full disk) after a failure. Default 1 second. */
  readonly retryInterval?: Duration.DurationInput
  /**
   * How long the writer waits for more records when it finds fewer than
   * `maxBatch` queued, so that a burst is committed in a few large
   * transactions rather than many small ones. Default 5 milliseconds.
   */
  readonly linger?: Duration.DurationInput
}

type Item =
  | Submission
  | { readonly _tag: "Flush"; readonly done: Deferred.Deferred<void> }
  | { readonly _tag: "Tick" }
  | { readonly _tag: "Stop"; readonly done: Deferred.Deferred<void> }

/**
 * Data failures — the database refused a record for what it is (a
 * constraint), a spooled value no longer decodes, or a defect of our own
 * code while writing it — isolate the bad record; an unavailable database
 * (busy, read-only, full, gone, a failed commit, or any other driver
 * failure) keeps the records.
 */
const isDataFailure = (cause: Cause.Cause<unknown>) =>
  Option.match(Cause.failureOption(cause), {
    onNone: () =>
      !Cause.isInterruptedOnly(cause) && !Chunk.some(Cause.defects(cause), (defect) => defect instanceof SqlError),
    onSome: (error) =>
      error instanceof DatabaseError &&
      (error.reason === "Constraint" || (error.reason === "Query" && ParseResult.isParseError(error.cause)))
  })

/** Starts the recorder on the current `Database`; it drains and stops when the scope closes. */
export const make = (options: WriteBehindOptions) =>
  Effect.gen(function*() {
    const db = yield* Database
    const sql = db.sql
    const maxBatch = options.maxBatch ?? 1_000
    const maxPending = options.maxPending ?? 100_000
    const retryInterval = Duration.decode(options.retryInterval ?? Duration.seconds(1))
    const linger = Duration.decode(options.linger ?? Duration.millis(5))
    const sinks = new Map<string, ErasedSink>(allSinks.map((sink) => [sink.kind, sink]))

    /** Where the spool files live (beside a database file by default; see `spoolDirectory`). */
    const database = db.options.spool
    const rejectedPath = `${database}.rejected.jsonl`
    const scope = yield* Effect.scope
    const spoolPath = newSpoolPath(database)
    /** This recorder's spool, opened when first needed (a full disk at start-up must not stop the recorder). */
    let spool: Spool | undefined
    const openedSpool = Effect.suspend(() =>
      spool !== undefined
        ? Effect.succeed(spool)
        : openSpool(spoolPath).pipe(
          Scope.extend(scope),
          Effect.tap((opened) => Effect.sync(() => (spool = opened)))
        )
    )
    const spoolIsEmpty = () => spool === undefined || spool.isEmpty()
    /** Spool files of processes that died, claimed by this recorder and not yet replayed. */
    let claimed: ReadonlyArray<ClaimedSpool> = []
    /** How far each spool file was replayed already (its lines before that offset are in the database). */
    const replayed = new Map<string, number>()
    /** Records neither in the database nor in the spool yet (the disk was full): retried, in order, before anything newer. */
    let held: Array<SpoolLine> = []
    /** Refused records that could not be written to the rejected file yet. */
    let aside: Array<{ readonly line: SpoolLine; readonly reason: string }> = []
    const claim = Effect.try(() => {
      claimed = [...claimed, ...claimOrphans(database)]
    }).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("logbook: the spool folder could not be read; spooled records of earlier processes wait for the next start").pipe(
          Effect.annotateLogs({ spool: database, error: String(error.error) })
        )
      )
    )
    const queue = yield* Queue.bounded<Item>(maxPending)
    let nextAttempt = 0
    let closed = false
    let tickQueued = false

    /** Writes the set-aside records to the rejected file (fsynced); on failure they stay in memory. */
    const writeAside = Effect.suspend(() => {
      if (aside.length === 0) return Effect.succeed(true)
      const batch = aside
      const bytes = Buffer.from(batch.map(({ line, reason }) => JSON.stringify({ ...line, reason }) + "\n").join(""), "utf8")
      return Effect.try(() => {
        mkdirSync(path.dirname(rejectedPath), { recursive: true })
        appendDurably(rejectedPath, bytes)
      }).pipe(
        Effect.zipRight(Effect.sync(() => {
          aside = aside.slice(batch.length)
        })),
        Effect.zipRight(
          Effect.forEach(batch, ({ line, reason }) =>
            Effect.logError("logbook: a write-behind record was rejected by the database and set aside").pipe(
              Effect.annotateLogs({ kind: line.kind, key: line.key, reason, file: rejectedPath })
            ), { discard: true })
        ),
        Effect.zipRight(Metrics.failed(batch.length)),
        Effect.as(true),
        Effect.catchAll((error) =>
          Effect.logError("logbook: refused records could not be set aside yet; they are kept in memory and retried").pipe(
            Effect.annotateLogs({ file: rejectedPath, records: aside.length, error: String(error.error) }),
            Effect.as(false)
          )
        )
      )
    })

    const reject = (line: SpoolLine, reason: string) =>
      Effect.suspend(() => {
        aside.push({ line, reason })
        return writeAside
      })

    const sinkOf = (line: SpoolLine) => sinks.get(line.kind)

    /** Writes lines in one transaction, grouped by kind in order of appearance. */
    const commit = (lines: ReadonlyArray<SpoolLine>) => {
      const groups = new Map<string, Array<SpoolLine>>()
      for (const line of lines) {
        const group = groups.get(line.kind)
        if (group === undefined) groups.set(line.kind, [line])
        else group.push(line)
      }
      return sql.withTransaction(
        Effect.forEach(groups, ([kind, group]) => {
          const sink = sinks.get(kind)
          return sink === undefined ? Effect.void : sink.write(group)
        }, { discard: true })
      ).pipe(withDatabaseErrors("WriteBehind.commit"), Effect.provideService(SqlClient.SqlClient, sql))
    }

    /**
     * Commits a batch after checking that the database file is still the one
     * open; on a data failure, commits record by record and sets aside the
     * ones the database refuses.
     */
    const commitIsolating = (lines: ReadonlyArray<SpoolLine>) =>
      Effect.gen(function*() {
        yield* db.checkFile
        const unknown = lines.filter((line) => sinkOf(line) === undefined)
        yield* Effect.forEach(unknown, (line) => reject(line, `no sink for kind ${line.kind}`), { discard: true })
        const known = unknown.length === 0 ? lines : lines.filter((line) => sinkOf(line) !== undefined)
        if (known.length === 0) return
        const exit = yield* Effect.exit(commit(known))
        if (Exit.isSuccess(exit) || !isDataFailure(exit.cause) || known.length === 1) {
          if (Exit.isFailure(exit) && known.length === 1 && isDataFailure(exit.cause)) {
            yield* reject(known[0]!, Cause.pretty(exit.cause))
            return
          }
          return yield* exit
        }
        for (const line of known) {
          const single = yield* Effect.exit(commit([line]))
          if (Exit.isFailure(single)) {
            if (!isDataFailure(single.cause)) return yield* single
            yield* reject(line, Cause.pretty(single.cause))
          }
        }
      })

    const warn = (message: string, cause: Cause.Cause<unknown>, annotations: Record<string, unknown>) => {
      const failure = Cause.failureOption(cause)
      const annotated = Option.match(failure, {
        onNone: () => ({ ...annotations }),
        onSome: (error) =>
          error instanceof DatabaseError
            ? { ...annotations, operation: error.operation, reason: error.reason, error: error.message }
            : { ...annotations, error: String(error) }
      })
      const log = Option.isSome(failure) ? Effect.logWarning(message) : Effect.logError(message, cause)
      return log.pipe(Effect.annotateLogs(annotated))
    }

    /**
     * Writes a spool file to the database in chunks of `maxBatch` lines,
     * from where an earlier replay stopped; false at the first transient
     * failure. Memory stays bounded by one chunk, whatever the file's size.
     */
    const replayFile = (file: string) =>
      Effect.gen(function*() {
        let total = 0
        while (true) {
          const offset = replayed.get(file) ?? 0
          const chunk = yield* Effect.try(() => readSpoolChunk(file, offset, maxBatch))
          for (const corrupt of chunk.corrupt) {
            yield* Effect.logWarning("logbook: a corrupt spool line was skipped").pipe(
              Effect.annotateLogs({ file, offset: corrupt.offset, text: corrupt.text })
            )
            yield* Metrics.failed(1)
          }
          if (chunk.lines.length > 0) {
            const exit = yield* Effect.exit(commitIsolating(chunk.lines))
            if (Exit.isFailure(exit)) {
              nextAttempt = Date.now() + Duration.toMillis(retryInterval)
              yield* warn("logbook: the database is still unavailable; records stay in the spool", exit.cause, {
                spool: file,
                replayedBytes: offset
              })
              return false
            }
            yield* Metrics.replayed(chunk.lines.length)
            total += chunk.lines.length
          }
          replayed.set(file, chunk.next)
          if (chunk.end) break
        }
        if (total > 0) {
          yield* Effect.logInfo("logbook: spooled records were written to the database").pipe(
            Effect.annotateLogs({ spool: file, records: total })
          )
        }
        return true
      })

    /** Replays the claimed files of dead processes (deleting each once written), then this recorder's own spool. */
    const replay = Effect.gen(function*() {
      while (claimed.length > 0) {
        const file = claimed[0]!
        if (!(yield* replayFile(file.path))) return
        file.remove()
        replayed.delete(file.path)
        claimed = claimed.slice(1)
      }
      if (spool === undefined || spool.isEmpty()) return
      if (yield* replayFile(spool.path)) {
        yield* spool.clear
        replayed.delete(spool.path)
      }
    })

    const tryReplay = (force: boolean) =>
      (spoolIsEmpty() && claimed.length === 0) || (!force && Date.now() < nextAttempt)
        ? Effect.void
        : replay.pipe(
          Effect.catchAllCause((cause) => warn("logbook: the spool could not be replayed", cause, { spool: spoolPath }))
        )

    /** Appends to the spool; false (records untouched) when it cannot be written. */
    const toSpool = (lines: ReadonlyArray<SpoolLine>) =>
      Effect.flatMap(openedSpool, (opened) => opened.append(lines)).pipe(
        Effect.zipRight(Metrics.spooled(lines.length)),
        Effect.as(true),
        Effect.catchAll((error) =>
          Effect.logError("logbook: records could not be written to the database nor to the spool; they are kept in memory and retried").pipe(
            Effect.annotateLogs({ spool: spoolPath, error: error.message, records: lines.length }),
            Effect.as(false)
          )
        )
      )

    /** Commits `lines`, or spools them; false when neither was possible. */
    const store = (lines: ReadonlyArray<SpoolLine>) =>
      Effect.gen(function*() {
        yield* tryReplay(false)
        if (!spoolIsEmpty() || claimed.length > 0) return yield* toSpool(lines)
        const exit = yield* Effect.exit(commitIsolating(lines))
        if (Exit.isSuccess(exit)) {
          yield* Metrics.committed(lines.length)
          return true
        }
        nextAttempt = Date.now() + Duration.toMillis(retryInterval)
        const spooled = yield* toSpool(lines)
        yield* warn(
          spooled
            ? "logbook: records could not be committed; they were spooled"
            : "logbook: records could not be committed",
          exit.cause,
          { records: lines.length }
        )
        return spooled
      })

    /** Retries the records kept in memory: the set-aside ones, then the held ones; true once none is left. */
    const retryHeld = Effect.gen(function*() {
      if (!(yield* writeAside)) return false
      while (held.length > 0) {
        const batch = held.slice(0, maxBatch)
        if (!(yield* store(batch))) return false
        held = held.slice(batch.length)
      }
      return aside.length === 0
    })

    /** Waits (retrying every `retryInterval`) until nothing is kept in memory. */
    const untilNothingHeld = Effect.gen(function*() {
      while (!(yield* retryHeld)) {
        yield* Effect.logWarning("logbook: waiting for room to write records kept in memory").pipe(
          Effect.annotateLogs({ held: held.length, setAside: aside.length, database: database })
        )
        yield* Effect.sleep(retryInterval)
      }
    })

    const processRecords = (lines: ReadonlyArray<SpoolLine>) =>
      Effect.gen(function*() {
        if (lines.length === 0) return
        if (held.length === 0 && aside.length === 0 && (yield* store(lines))) return
        held = held.length === 0 ? [...lines] : [...held, ...lines]
        if (held.length >= maxPending) return yield* untilNothingHeld
        yield* retryHeld
      })

    const processItems = (items: Chunk.Chunk<Item>) =>
      Effect.gen(function*() {
        let lines: Array<SpoolLine> = []
        let stop = false
        for (const item of items) {
          if (item._tag === "Submission") {
            // Plain preparations run as plain code: no effect per record unless it is refused.
            if (isPlain(item.prepare)) {
              const line = preparePlain(item, item.prepare)
              if (Either.isRight(line)) lines.push(line.right)
              else yield* refuse(item, line.left)
              continue
            }
            const line = yield* prepare(item)
            if (line !== undefined) lines.push(line)
            continue
          }
          yield* processRecords(lines)
          lines = []
          if (item._tag === "Tick") {
            tickQueued = false
            if (held.length > 0 || aside.length > 0) yield* retryHeld
            yield* tryReplay(false)
            continue
          }
          yield* Effect.exit(db.checkFile)
          yield* claim
          yield* tryReplay(true)
          yield* untilNothingHeld
          yield* Deferred.succeed(item.done, undefined)
          if (item._tag === "Stop") stop = true
        }
        // Records taken with a Stop are written too: nothing the worker took is left behind.
        yield* processRecords(lines)
        if (stop) yield* untilNothingHeld
        return stop
      })

    /**
     * Takes what is queued (never interrupting a take: an interrupted take can
     * lose the item it was handed), lingers briefly for more, and processes
     * it, until told to stop.
     */
    const worker = Effect.gen(function*() {
      yield* claim
      yield* tryReplay(true)
      while (true) {
        const first = yield* Queue.takeBetween(queue, 1, maxBatch)
        const urgent = Chunk.some(first, (item) => item._tag !== "Submission")
        const items = urgent || first.length >= maxBatch
          ? first
          : yield* Effect.sleep(linger).pipe(
            Effect.zipRight(Queue.takeUpTo(queue, maxBatch - first.length)),
            Effect.map((more) => Chunk.appendAll(first, more))
          )
        if (yield* processItems(items)) return
      }
    })

    /** Wakes the worker now and then, so that a spool or held records are retried even when nothing new is recorded. */
    const ticker = Effect.forever(
      Effect.zipRight(
        Effect.sleep(retryInterval),
        Effect.suspend(() => {
          if (tickQueued) return Effect.void
          tickQueued = true
          return Queue.offer(queue, { _tag: "Tick" })
        })
      )
    )

    const signal = (make: (done: Deferred.Deferred<void>) => Item) =>
      Effect.gen(function*() {
        const done = yield* Deferred.make<void>()
        yield* Queue.offer(queue, make(done))
        yield* Deferred.await(done)
      })

    const flush = signal((done) => ({ _tag: "Flush", done }))

    /** A record of a closed recorder: a spool file of its own (fsynced), for the next start to replay. */
    const spoolLate = (lines: ReadonlyArray<SpoolLine>) =>
      Effect.try(() => writeSpoolFile(database, lines)).pipe(
        Effect.zipRight(Metrics.spooled(lines.length)),
        Effect.zipRight(
          Effect.logWarning("logbook: records arrived while the recorder was closing; they were spooled for the next start").pipe(
            Effect.annotateLogs({ records: lines.length })
          )
        ),
        Effect.catchAll((error) =>
          Effect.logError("logbook: records that arrived after the recorder closed could not be spooled").pipe(
            Effect.annotateLogs({ records: lines.length, error: String(error.error) }),
            Effect.zipRight(Metrics.failed(lines.length))
          )
        )
      )

    /** What is still queued once the worker stopped (records that raced the close): spooled. */
    const drainLate = Effect.gen(function*() {
      while (true) {
        const items = yield* Queue.takeAll(queue)
        const lines: Array<SpoolLine> = []
        for (const item of items) {
          if (item._tag === "Submission") {
            const line = yield* prepare(item)
            if (line !== undefined) lines.push(line)
          }
          if (item._tag === "Flush" || item._tag === "Stop") yield* Deferred.succeed(item.done, undefined)
        }
        if (lines.length > 0) yield* spoolLate(lines)
        if (Chunk.isEmpty(items) && (yield* Queue.size(queue)) <= 0) return
      }
    })

    const workerFiber = yield* Effect.forkScoped(Effect.withClock(worker, realClock))
    yield* Effect.forkScoped(Effect.withClock(ticker, realClock))
    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        yield* signal((done) => ({ _tag: "Stop", done }))
        yield* Fiber.await(workerFiber)
        // From here on `enqueue` spools directly; what was queued meanwhile is spooled in one file.
        closed = true
        yield* drainLate
      }).pipe(Effect.withClock(realClock))
    )

    /** Hands a submission to the writer: the only work `submit` does on the caller's fiber. */
    const handOver = (item: Submission): Effect.Effect<void> => {
      if (closed) return Effect.flatMap(prepare(item), (line) => line === undefined ? Effect.void : spoolLate([line]))
      Metrics.recordsEnqueued.unsafeUpdate(1, Metrics.NO_LABELS)
      return queue.unsafeOffer(item) ? Effect.void : Queue.offer(queue, item)
    }

    const submit = <A, I, E>(
      sink: RecordSink<A, I>,
      operation: string,
      prepareValue: Effect.Effect<A, E> | PlainPreparation<A, E>,
      annotations?: () => Record<string, unknown>
    ) => submission(sink, operation, prepareValue, annotations, handOver)

    return WriteBehind.of({
      submit,
      submitSync: submit,
      enqueue: (sink, value) => submit(sink, "WriteBehind.enqueue", Effect.succeed(value)),
      flush: Effect.suspend(() => closed ? Effect.void : flush)
    })
  })

/** The write-behind recorder on the current `Database`. Releasing the layer flushes what is pending. */
export const layerWith = (options: WriteBehindOptions): Layer.Layer<WriteBehind, DatabaseError, Database> =>
  Layer.scoped(WriteBehind, make(options))

/** The write-behind recorder with default tuning. */
export const layer: Layer.Layer<WriteBehind, DatabaseError, Database> = layerWith({})
