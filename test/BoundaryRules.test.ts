/**
 * One depth limit, one text rule and one page rule, applied by every store at
 * its boundary: a value nested 5,000 (or 100,000) deep is a ValidationError,
 * never a stack overflow; text holding a lone UTF-16 surrogate is refused with
 * the field named (UTF-8 cannot store it: it would read back as U+FFFD); a
 * limit or offset that is not a whole number in range is refused by every
 * listing alike.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { AgentRegistry } from "../src/AgentRegistry.js"
import { AuditLog } from "../src/AuditLog.js"
import { ConfigStore } from "../src/ConfigStore.js"
import { ExecutionTracker } from "../src/ExecutionTracker.js"
import { LessonsStore } from "../src/LessonsStore.js"
import { layerMemory } from "../src/Logbook.js"
import { RecordStore } from "../src/RecordStore.js"
import { StateStore } from "../src/StateStore.js"
import { TrajectoryStore } from "../src/TrajectoryStore.js"
import { MAX_JSON_DEPTH } from "../src/Validation.js"
import { tiny } from "./trajectory/support.js"

/** `{ a: { a: ... { a: 1 } } }`, `depth` levels of objects. */
const nested = (depth: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { a: 1 }
  for (let i = 1; i < depth; i++) value = { a: value }
  return value
}

const LONE = "ok \uD800 then"

/** The ValidationError `effect` fails with; a defect or success fails the spec. */
type Any = Effect.Effect<unknown, unknown>

const refused = (effect: Any) =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) throw new Error("expected a ValidationError, got a success")
    const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
    if (typeof failure !== "object" || failure === null || !("_tag" in failure) || failure._tag !== "ValidationError") {
      throw new Error(`expected a ValidationError, got ${String(exit.cause)}`)
    }
    return failure as unknown as { readonly message: string; readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }> }
  })

/** Each store's writes that take JSON, given one JSON value (`value`) and one text field (`text`). */
const writes = (value: unknown, text: string) =>
  Effect.gen(function*() {
    const state = yield* StateStore
    const audit = yield* AuditLog
    const lessons = yield* LessonsStore
    const tracker = yield* ExecutionTracker
    const trajectories = yield* TrajectoryStore
    const agents = yield* AgentRegistry
    const records = yield* RecordStore
    const config = yield* ConfigStore
    const all: Record<
      | "StateStore.save"
      | "AuditLog.log"
      | "LessonsStore.create"
      | "ExecutionTracker.startTrace"
      | "TrajectoryStore.save"
      | "AgentRegistry.createAgent"
      | "RecordStore.put"
      | "ConfigStore.set",
      Any
    > = {
      "StateStore.save": state.save({ taskId: "t", projectId: "p", state: text, context: { deep: value }, history: [] }),
      "AuditLog.log": audit.log({ action: text, category: "agent", details: value }),
      "LessonsStore.create": lessons.create({ category: "pattern", title: text, summary: "s" }),
      "ExecutionTracker.startTrace": tracker.startTrace({ projectId: "p", taskId: "t", prompt: text, metadata: { deep: value } }),
      "TrajectoryStore.save": trajectories.save({ ...tiny(text), extra: { deep: value } }),
      "AgentRegistry.createAgent": agents.createAgent({ name: text, model: "m", configuration: { deep: value } }),
      "RecordStore.put": records.put("kind", { id: text, content: { deep: value } }),
      "ConfigStore.set": config.set(text, value)
    }
    return all
  })

describe("one depth limit for every store", () => {
  for (const depth of [5_000, 100_000]) {
    it.effect(`a value nested ${depth.toLocaleString("en-US")} deep is a ValidationError in every store that takes JSON`, () =>
      Effect.gen(function*() {
        const all = yield* writes(nested(depth), "plain")
        for (const [name, write] of Object.entries(all)) {
          if (name === "LessonsStore.create") continue
          const error = yield* refused(write)
          expect(error.message, name).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`)
        }
      }).pipe(Effect.provide(layerMemory)), 60_000)
  }

  it.effect(`a value nested ${MAX_JSON_DEPTH} levels below the input is accepted and reads back whole`, () =>
    Effect.gen(function*() {
      const records = yield* RecordStore
      const id = yield* records.put("kind", { content: { deep: nested(MAX_JSON_DEPTH - 2) } })
      const stored = yield* records.get("kind", id)
      expect(JSON.stringify(stored.pipe((o) => (o._tag === "Some" ? o.value.content : null)))).toBe(
        JSON.stringify({ deep: nested(MAX_JSON_DEPTH - 2) })
      )
    }).pipe(Effect.provide(layerMemory)))
})

describe("one text rule for every store", () => {
  it.effect("a lone surrogate in stored text is a ValidationError naming the field, in every store", () =>
    Effect.gen(function*() {
      const all = yield* writes({ fine: "text" }, LONE)
      const fields: Record<keyof typeof all, string> = {
        "StateStore.save": "state",
        "AuditLog.log": "action",
        "LessonsStore.create": "title",
        "ExecutionTracker.startTrace": "prompt",
        "TrajectoryStore.save": "session_id",
        "AgentRegistry.createAgent": "name",
        "RecordStore.put": "id",
        "ConfigStore.set": "key"
      }
      for (const [name, write] of Object.entries(all)) {
        const error = yield* refused(write)
        expect(error.issues, name).toContainEqual({
          path: fields[name as keyof typeof all],
          message: "text holds a lone UTF-16 surrogate, which UTF-8 cannot store"
        })
      }
      // inside JSON values too, keys included; a well-formed pair (an emoji) is stored as given
      const audit = yield* AuditLog
      const nestedError = yield* refused(audit.log({ action: "a", category: "agent", details: { list: ["x", "\uDC00"], ["k\uD83D"]: 1 } }))
      expect(nestedError.issues.map((i) => i.path).sort()).toEqual(["details.list[1]", 'details["k\\ud83d"]'])
      const id = yield* audit.log({ action: "a", category: "agent", details: { emoji: "\uD83D\uDE00" } })
      expect((yield* audit.query({})).find((e) => e.id === id)?.details).toEqual({ emoji: "😀" })
    }).pipe(Effect.provide(layerMemory)))
})

describe("one page rule for every listing", () => {
  const bad: ReadonlyArray<readonly [string, number]> = [
    ["limit", -5],
    ["limit", Number.NaN],
    ["limit", 1.5],
    ["limit", Number.POSITIVE_INFINITY],
    ["limit", 1e300],
    ["limit", 0],
    ["limit", 10_001],
    ["offset", -1],
    ["offset", Number.NaN],
    ["offset", 0.5],
    ["offset", 1e300]
  ]
  it.effect("a limit or offset that is not a whole number in range is a ValidationError everywhere, never clamped", () =>
    Effect.gen(function*() {
      const state = yield* StateStore
      const audit = yield* AuditLog
      const lessons = yield* LessonsStore
      const tracker = yield* ExecutionTracker
      const trajectories = yield* TrajectoryStore
      const agents = yield* AgentRegistry
      const records = yield* RecordStore
      const listings = (page: Record<string, number>): Record<string, Any> => ({
        "StateStore.list": state.list("p", page),
        "AuditLog.query": audit.query(page),
        "LessonsStore.search": lessons.search({ query: "x", ...page }),
        "ExecutionTracker.recentTraces": tracker.recentTraces("p", page),
        "TrajectoryStore.list": trajectories.list(page),
        "TrajectoryStore.search": trajectories.search({ query: "x", ...page }),
        "AgentRegistry.listAgents": agents.listAgents(page),
        "AgentRegistry.listSessions": agents.listSessions(page),
        "RecordStore.query": records.query("kind", page)
      })
      for (const [field, value] of bad) {
        for (const [name, listing] of Object.entries(listings({ [field]: value }))) {
          const error = yield* refused(listing)
          expect(error.issues.map((i) => i.path), `${name} ${field}=${value}`).toContain(field)
        }
      }
      expect(yield* refused(tracker.llmUsage({ limit: -5 }))).toBeDefined()
      for (const listing of Object.values(listings({ limit: 10_000, offset: Number.MAX_SAFE_INTEGER }))) {
        expect(yield* listing).toEqual([])
      }
    }).pipe(Effect.provide(layerMemory)), 60_000)
})

describe("one search signature for the stores that search", () => {
  it.effect("LessonsStore and TrajectoryStore search take { query, ...filters, limit, offset }; without words both list, newest first", () =>
    Effect.gen(function*() {
      const lessons = yield* LessonsStore
      const trajectories = yield* TrajectoryStore
      yield* lessons.create({ category: "pattern", title: "retry loops", summary: "back off" })
      yield* trajectories.save(tiny("s-search", "retry loops"))
      for (const query of [undefined, "", "  -- "]) {
        expect((yield* lessons.search({ query, limit: 5, offset: 0 })).map((hit) => hit.rank)).toEqual([0])
        expect((yield* trajectories.search({ query, limit: 5, offset: 0 })).map((hit) => hit.rank)).toEqual([0])
      }
      const [lesson] = yield* lessons.search({ query: "retry", limit: 1 })
      const [trajectory] = yield* trajectories.search({ query: "retry", limit: 1 })
      expect(lesson?.snippet).toContain("[retry]")
      expect(trajectory?.snippet).toContain("[retry]")
      expect(lesson!.rank).toBeLessThan(0)
      expect(trajectory!.rank).toBeLessThan(0)
    }).pipe(Effect.provide(layerMemory)))
})
