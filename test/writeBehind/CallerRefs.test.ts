/**
 * A refused write-behind record's warning is logged with its caller's
 * loggers, minimum level, annotations and log spans, call by call and fiber
 * by fiber (the caller refs a submission keeps are shared between calls
 * only while they are the same).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as List from "effect/List"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import { coreLayer } from "../../src/Core.js"
import { WriteBehind } from "../../src/writeBehind/WriteBehind.js"
import { tempDir } from "../support/TempDir.js"

interface Seen {
  readonly message: unknown
  readonly annotations: Record<string, unknown>
  readonly spans: ReadonlyArray<string>
}


const collecting = () => {
  const seen: Array<Seen> = []
  const logger = Logger.make(({ annotations, logLevel, message, spans }) => {
    if (logLevel._tag !== "Warning") return
    seen.push({
      message,
      annotations: Object.fromEntries(HashMap.toEntries(annotations)),
      spans: List.toArray(spans).map((span) => span.label)
    })
  })
  return { seen, layer: Logger.replace(Logger.defaultLogger, logger) }
}

const withAudit = <A, E>(use: Effect.Effect<A, E, AuditLog | WriteBehind>) =>
  Effect.scoped(Effect.gen(function*() {
    const file = path.join(yield* tempDir, "logbook.db")
    return yield* use.pipe(Effect.provide(AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: file })))))
  }))

// @ts-expect-error: the category is not an AuditCategory
const refused = (tag: string) => Effect.flatMap(AuditLog, (audit) => audit.record({ action: tag, category: "billing" }))

describe("caller refs of a refused record's warning", () => {
  it.effect("consecutive records from one fiber with changed annotations each log their own", () =>
    withAudit(Effect.gen(function*() {
      const { layer, seen } = collecting()
      yield* Effect.gen(function*() {
        for (let i = 0; i < 6; i++) {
          const inner = refused(`n-${i}`).pipe(Effect.annotateLogs({ step: i }))
          yield* (i % 2 === 0 ? inner.pipe(Effect.annotateLogs({ outer: "even" })) : inner)
          yield* refused(`plain-${i}`)
        }
      }).pipe(Effect.annotateLogs({ request: "top" }), Effect.provide(layer))
      yield* Effect.flatMap(WriteBehind, (w) => w.flush)
      expect(seen).toHaveLength(12)
      for (let i = 0; i < 6; i++) {
        const [withStep, plain] = [seen[2 * i]!, seen[2 * i + 1]!]
        expect(withStep.annotations).toMatchObject({ request: "top", step: i })
        expect(withStep.annotations["outer"]).toBe(i % 2 === 0 ? "even" : undefined)
        expect(plain.annotations["step"]).toBeUndefined()
        expect(plain.annotations["outer"]).toBeUndefined()
        expect(plain.annotations["request"]).toBe("top")
      }
    })))

  it.effect("two fibers with different annotations, log spans and minimum levels recording alternately", () =>
    withAudit(Effect.gen(function*() {
      const { layer, seen } = collecting()
      const fiber = (name: string, level: LogLevel.LogLevel) =>
        Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) =>
          refused(`${name}-${i}`).pipe(Effect.annotateLogs({ who: name, i }), Effect.zipRight(Effect.yieldNow())), { discard: true }).pipe(
            Effect.withLogSpan(`span-${name}`),
            Logger.withMinimumLogLevel(level),
            Effect.provide(layer)
          )
      const a = yield* Effect.fork(fiber("a", LogLevel.Info))
      const b = yield* Effect.fork(fiber("b", LogLevel.Info))
      const c = yield* Effect.fork(fiber("c", LogLevel.Error))
      yield* Fiber.join(Fiber.zip(Fiber.zip(a, b), c))
      yield* Effect.flatMap(WriteBehind, (w) => w.flush)
      expect(seen).toHaveLength(40)
      for (const s of seen) {
        const who = s.annotations["who"] as string
        expect(["a", "b"]).toContain(who)
        expect(s.spans).toEqual([`span-${who}`])
      }
      const byWho = (who: string) => seen.filter((s) => s.annotations["who"] === who).map((s) => s.annotations["i"])
      expect(byWho("a")).toEqual(Array.from({ length: 20 }, (_, i) => i))
      expect(byWho("b")).toEqual(Array.from({ length: 20 }, (_, i) => i))
    })))
})
