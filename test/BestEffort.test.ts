import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import { bestEffort, orLog } from "../src/BestEffort.js"
import { DatabaseError, NotFound } from "../src/Errors.js"

interface Captured {
  readonly level: string
  readonly message: unknown
  readonly annotations: Record<string, unknown>
  readonly cause: string
}

const capture = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const logs: Array<Captured> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    logs.push({ level: logLevel._tag, message, annotations: Object.fromEntries(annotations), cause: Cause.pretty(cause) })
  })
  return Effect.map(
    Effect.locallyWith(effect, FiberRef.currentLoggers, () => HashSet.make(logger)),
    (result) => ({ result, logs })
  )
}

describe("bestEffort / orLog", () => {
  it.effect("passes a success through as Some", () =>
    Effect.gen(function*() {
      const { logs, result } = yield* capture(bestEffort(Effect.succeed(42)))
      expect(result).toEqual(Option.some(42))
      expect(logs).toEqual([])
    }))

  it.effect("turns a logbook error into None and a warning annotated with operation, reason and ids", () =>
    Effect.gen(function*() {
      const failing = Effect.fail(new DatabaseError({ reason: "Full", operation: "AuditLog.log", message: "database or disk is full" }))
      const { logs, result } = yield* capture(failing.pipe(orLog({ taskId: "task-1" })))
      expect(result).toEqual(Option.none())
      expect(logs).toHaveLength(1)
      expect(logs[0]!.level).toBe("Warning")
      expect(logs[0]!.annotations).toMatchObject({
        operation: "AuditLog.log",
        reason: "Full",
        error: "DatabaseError",
        taskId: "task-1",
        detail: "database or disk is full"
      })
      expect(logs[0]!.annotations).not.toHaveProperty("message")
      const notFound = yield* capture(bestEffort(Effect.fail(new NotFound({ entity: "trace", id: "t-9" }))))
      expect(notFound.logs[0]!.annotations).toMatchObject({ entity: "trace", id: "t-9", error: "NotFound" })
    }))

  it.effect("logs a defect at error level with its cause, and the flow goes on", () =>
    Effect.gen(function*() {
      const { logs, result } = yield* capture(bestEffort(Effect.die(new Error("boom"))))
      expect(result).toEqual(Option.none())
      expect(logs[0]!.level).toBe("Error")
      expect(logs[0]!.cause).toContain("boom")
    }))

  it.effect("does not swallow interruption", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(bestEffort(Effect.interrupt))
      expect(exit._tag).toBe("Failure")
    }))
})
