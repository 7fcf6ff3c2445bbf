/**
 * The AgentRegistry's specs, written once as a function of the layer that
 * provides the registry and its database, and run on every backend by
 * AgentRegistry.test.ts. Only portable SQL is used to look under the hood.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { type AgentPage, AgentRegistry, type SessionFilter, type SessionLog, type SessionLogNode } from "../../src/AgentRegistry.js"
import type { Core } from "../../src/Core.js"
import { Num } from "../../src/database/Columns.js"
import type { DatabaseError, MigrationError } from "../../src/Errors.js"
import { expectFailure } from "../records/support.js"

/** What the suite runs on: the registry with the core services, fresh for every test that provides it. */
export type RegistryLayer = Layer.Layer<AgentRegistry | Core, DatabaseError | MigrationError>

/** A GitHub token shape that the default redaction rules remove. */
const SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"

/** Hands over a value of any shape where a typed input is expected, as untyped JavaScript callers can. */
function untyped<T>(value: unknown): T
function untyped(value: unknown) {
  return value
}

const count = (table: "agents" | "agent_sessions" | "agent_session_logs") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`SELECT count(*) AS n FROM ${sql(table)}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
      Effect.map(([row]) => row.n),
      Effect.orDie
    ))

/** Runs `effect` in one transaction: many appends, one commit. */
const inTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect))

/** A tree as `[id, children]` pairs, walked without recursion. */
const shapeOf = (roots: ReadonlyArray<SessionLogNode>) => {
  type Shape = [number, Array<Shape>]
  const out: Array<Shape> = []
  const stack: Array<[SessionLogNode, Array<Shape>]> = roots.map((root) => [root, out] as [SessionLogNode, Array<Shape>]).reverse()
  while (stack.length > 0) {
    const [node, into] = stack.pop()!
    const shape: Shape = [node.id, []]
    into.push(shape)
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, shape[1]])
  }
  return out
}

const planner = { name: "planner", model: "claude-sonnet-4-5" } as const

export const agentRegistrySuite = (layer: RegistryLayer) =>
  describe("AgentRegistry", () => {
    const test = (name: string, body: () => Effect.Effect<void, unknown, AgentRegistry | Core>, timeout?: number) =>
      it.effect(name, () => body().pipe(Effect.provide(layer)), timeout)

    describe("agents", () => {
      test("createAgent fills the defaults and getAgent reads the agent back", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const agent = yield* registry.createAgent(planner)
          expect(agent).toEqual({
            id: agent.id,
            name: "planner",
            model: "claude-sonnet-4-5",
            tools: [],
            mcpServerIds: [],
            knowledgeIds: [],
            accessiblePaths: [],
            permissionMode: "readOnly",
            createdAt: "1970-01-01T00:00:00.000Z",
            updatedAt: "1970-01-01T00:00:00.000Z"
          })
          expect(yield* registry.getAgent(agent.id)).toEqual(Option.some(agent))
          expect(yield* registry.getAgent("no-such-agent")).toEqual(Option.none())
        }))

      test("createAgent keeps every field given", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const input = {
            name: "builder",
            model: "claude-opus-4",
            smallModel: "claude-haiku-4",
            instructions: "Write the code, then the tests.",
            tools: ["bash", "write_file"],
            mcpServerIds: ["github"],
            knowledgeIds: ["style-guide"],
            accessiblePaths: ["/app/src", "/app/tests"],
            permissionMode: "acceptEdits",
            maxSteps: 40,
            configuration: { temperature: 0.2, nested: { list: [1, "two", null] } }
          } as const
          const agent = yield* registry.createAgent(input)
          expect(agent).toMatchObject(input)
          expect(Option.getOrThrow(yield* registry.getAgent(agent.id))).toEqual(agent)
        }))

      test("an invalid permission mode, a missing model, an unknown field or non-JSON configuration is a ValidationError and stores nothing", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const mode = yield* expectFailure(registry.createAgent(untyped({ ...planner, permissionMode: "root" })), "ValidationError")
          expect(mode.issues).toEqual([{ path: "permissionMode", message: "expected \"readOnly\", \"acceptEdits\" or \"bypassPermissions\"" }])
          const missing = yield* expectFailure(registry.createAgent(untyped({ name: "x" })), "ValidationError")
          expect(missing.issues.map((issue) => issue.path)).toEqual(["model"])
          const unknown = yield* expectFailure(registry.createAgent(untyped({ ...planner, permisionMode: "readOnly" })), "ValidationError")
          expect(unknown.issues.map((issue) => issue.path)).toEqual(["permisionMode"])
          const blank = yield* expectFailure(registry.createAgent({ name: " ", model: "m" }), "ValidationError")
          expect(blank.issues.map((issue) => issue.path)).toEqual(["name"])
          const steps = yield* expectFailure(registry.createAgent({ ...planner, maxSteps: 0 }), "ValidationError")
          expect(steps.issues.map((issue) => issue.path)).toEqual(["maxSteps"])
          const config = yield* expectFailure(registry.createAgent({ ...planner, configuration: { at: untyped(new Date(0)) } }), "ValidationError")
          expect(config.issues.map((issue) => issue.path)).toEqual(["configuration"])
          const list = yield* expectFailure(registry.createAgent(untyped({ ...planner, configuration: [1] })), "ValidationError")
          expect(list.issues.map((issue) => issue.path)).toEqual(["configuration"])
          expect(yield* count("agents")).toBe(0)
        }))

      test("updateAgent replaces the fields given, keeps the others and moves updatedAt", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const agent = yield* registry.createAgent({ ...planner, tools: ["bash"], instructions: "plan", configuration: { a: 1 } })
          yield* TestClock.adjust("1 second")
          const updated = yield* registry.updateAgent(agent.id, { permissionMode: "bypassPermissions", tools: [], configuration: { b: 2 } })
          expect(updated).toEqual({
            ...agent,
            permissionMode: "bypassPermissions",
            tools: [],
            configuration: { b: 2 },
            updatedAt: "1970-01-01T00:00:01.000Z"
          })
          const renamed = yield* registry.updateAgent(agent.id, { name: "chief planner", model: "m2", maxSteps: 3, smallModel: "s" })
          expect(renamed).toMatchObject({ name: "chief planner", model: "m2", maxSteps: 3, smallModel: "s", instructions: "plan" })
          expect(yield* registry.getAgent(agent.id)).toEqual(Option.some(renamed))
        }))

      test("updateAgent of a missing agent is NotFound; an invalid patch is a ValidationError that changes nothing", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const missing = yield* expectFailure(registry.updateAgent("nope", { model: "m" }), "NotFound")
          expect(missing).toMatchObject({ entity: "agent", id: "nope" })
          const agent = yield* registry.createAgent(planner)
          const invalid = yield* expectFailure(registry.updateAgent(agent.id, untyped({ permissionMode: "sudo", model: "m9" })), "ValidationError")
          expect(invalid.issues.map((issue) => issue.path)).toEqual(["permissionMode"])
          yield* expectFailure(registry.updateAgent(agent.id, untyped({ id: "other" })), "ValidationError")
          expect(yield* registry.getAgent(agent.id)).toEqual(Option.some(agent))
        }))

      test("listAgents in registration order, a page at a time; a bad page is a ValidationError", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const names = Array.from({ length: 12 }, (_, i) => `agent-${i}`)
          for (const name of names) yield* registry.createAgent({ name, model: "m" })
          expect((yield* registry.listAgents()).map((a) => a.name)).toEqual(names)
          expect((yield* registry.listAgents({ limit: 5, offset: 5 })).map((a) => a.name)).toEqual(names.slice(5, 10))
          expect(yield* registry.listAgents({ offset: 12 })).toEqual([])
          for (const page of [{ limit: 0 }, { limit: 10_001 }, { limit: 1.5 }, { offset: -1 }, untyped<AgentPage>({ limt: 5 })]) {
            yield* expectFailure(registry.listAgents(page), "ValidationError", JSON.stringify(page))
          }
        }))

      test("deleteAgent removes the agent with its sessions and their logs, and no other agent's", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const doomed = yield* registry.createAgent(planner)
          const kept = yield* registry.createAgent({ name: "tester", model: "m" })
          const sessions = [
            yield* registry.createSession({ agentId: doomed.id }),
            yield* registry.createSession({ agentId: doomed.id })
          ]
          const keptSession = yield* registry.createSession({ agentId: kept.id })
          for (const session of [...sessions, keptSession]) {
            const root = yield* registry.appendLog(session.id, { role: "user", type: "message", content: "go" })
            const child = yield* registry.appendLog(session.id, { role: "agent", type: "thought", content: "hm", parentId: root })
            yield* registry.appendLog(session.id, { role: "tool", type: "observation", content: { ok: true }, parentId: child })
          }
          expect(yield* count("agent_session_logs")).toBe(9)

          expect(yield* registry.deleteAgent(doomed.id)).toBe(true)
          expect(yield* registry.getAgent(doomed.id)).toEqual(Option.none())
          for (const session of sessions) {
            expect(yield* registry.getSession(session.id)).toEqual(Option.none())
            expect(yield* registry.logs(session.id)).toEqual([])
          }
          expect(yield* count("agent_sessions")).toBe(1)
          expect(yield* count("agent_session_logs")).toBe(3)
          expect((yield* registry.logs(keptSession.id)).length).toBe(3)
          expect(yield* registry.deleteAgent(doomed.id)).toBe(false)
        }))
    })

    describe("sessions", () => {
      test("createSession opens an idle session with its overrides; getSession reads it back", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const agent = yield* registry.createAgent(planner)
          const session = yield* registry.createSession({
            agentId: agent.id,
            name: "fix the loader",
            overrides: { model: "claude-opus-4", tools: ["bash"], permissionMode: "acceptEdits", configuration: { depth: 2 } }
          })
          expect(session).toEqual({
            id: session.id,
            agentId: agent.id,
            name: "fix the loader",
            status: "idle",
            overrides: { model: "claude-opus-4", tools: ["bash"], permissionMode: "acceptEdits", configuration: { depth: 2 } },
            createdAt: "1970-01-01T00:00:00.000Z",
            updatedAt: "1970-01-01T00:00:00.000Z"
          })
          expect(yield* registry.getSession(session.id)).toEqual(Option.some(session))
          const bare = yield* registry.createSession({ agentId: agent.id })
          expect(bare).toEqual({ ...bare, status: "idle", overrides: {} })
          expect(bare.name).toBeUndefined()
          expect(yield* registry.getSession("nope")).toEqual(Option.none())
        }))

      test("createSession of an unknown agent is NotFound; invalid overrides are a ValidationError; nothing is stored", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const missing = yield* expectFailure(registry.createSession({ agentId: "ghost" }), "NotFound")
          expect(missing).toMatchObject({ entity: "agent", id: "ghost" })
          const agent = yield* registry.createAgent(planner)
          const mode = yield* expectFailure(
            registry.createSession({ agentId: agent.id, overrides: untyped({ permissionMode: "godMode" }) }),
            "ValidationError"
          )
          expect(mode.issues).toEqual([
            { path: "overrides", message: "permissionMode: expected \"readOnly\", \"acceptEdits\" or \"bypassPermissions\"" }
          ])
          const named = yield* expectFailure(registry.createSession({ agentId: agent.id, overrides: untyped({ name: "x" }) }), "ValidationError")
          expect(named.issues.map((issue) => issue.path)).toEqual(["overrides"])
          expect(named.issues[0]!.message).toMatch(/^name: is unexpected/)
          expect(yield* count("agent_sessions")).toBe(0)
        }))

      test("updateSessionStatus sets any status; an unknown status is a ValidationError, a missing session NotFound", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const agent = yield* registry.createAgent(planner)
          const session = yield* registry.createSession({ agentId: agent.id })
          for (const status of ["running", "completed", "failed", "stopped", "idle", "running"] as const) {
            yield* TestClock.adjust("1 second")
            const updated = yield* registry.updateSessionStatus(session.id, status)
            expect(updated).toEqual({ ...session, status, updatedAt: updated.updatedAt })
            expect(updated.updatedAt > session.updatedAt).toBe(true)
          }
          const invalid = yield* expectFailure(registry.updateSessionStatus(session.id, untyped("paused")), "ValidationError")
          expect(invalid.issues).toEqual([{ path: "status", message: "expected \"idle\", \"running\", \"completed\", \"failed\" or \"stopped\"" }])
          expect(Option.getOrThrow(yield* registry.getSession(session.id)).status).toBe("running")
          const missing = yield* expectFailure(registry.updateSessionStatus("nope", "running"), "NotFound")
          expect(missing).toMatchObject({ entity: "session", id: "nope" })
        }))

      test("listSessions, newest first, of one agent and/or in one status, a page at a time", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const a = yield* registry.createAgent(planner)
          const b = yield* registry.createAgent({ name: "builder", model: "m" })
          const created: Array<{ id: string; agentId: string; status: string }> = []
          for (let i = 0; i < 10; i++) {
            const session = yield* registry.createSession({ agentId: i % 2 === 0 ? a.id : b.id, name: `s${i}` })
            const status = i % 3 === 0 ? "running" : "idle"
            if (status === "running") yield* registry.updateSessionStatus(session.id, status)
            created.push({ id: session.id, agentId: session.agentId, status })
          }
          const newest = [...created].reverse()
          const ids = (sessions: ReadonlyArray<{ readonly id: string }>) => sessions.map((s) => s.id)
          expect(ids(yield* registry.listSessions())).toEqual(ids(newest))
          expect(ids(yield* registry.listSessions({ agentId: a.id }))).toEqual(ids(newest.filter((s) => s.agentId === a.id)))
          expect(ids(yield* registry.listSessions({ status: "running" }))).toEqual(ids(newest.filter((s) => s.status === "running")))
          expect(ids(yield* registry.listSessions({ agentId: b.id, status: "idle" }))).toEqual(
            ids(newest.filter((s) => s.agentId === b.id && s.status === "idle"))
          )
          expect(ids(yield* registry.listSessions({ limit: 3, offset: 2 }))).toEqual(ids(newest.slice(2, 5)))
          expect(yield* registry.listSessions({ agentId: "nobody" })).toEqual([])
          for (const filter of [untyped<SessionFilter>({ status: "paused" }), { limit: 0 }, { offset: 0.5 }, untyped<SessionFilter>({ agent: a.id })]) {
            yield* expectFailure(registry.listSessions(filter), "ValidationError", JSON.stringify(filter))
          }
        }))

      test("effectiveConfig: the session's override where it sets one, else the agent's", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const agent = yield* registry.createAgent({
            ...planner,
            smallModel: "haiku",
            instructions: "plan carefully",
            tools: ["read_file"],
            knowledgeIds: ["kb"],
            maxSteps: 10,
            configuration: { temperature: 0.1 }
          })
          const session = yield* registry.createSession({
            agentId: agent.id,
            overrides: { model: "opus", tools: [], permissionMode: "acceptEdits", accessiblePaths: ["/app"], configuration: { temperature: 0.9 } }
          })
          expect(yield* registry.effectiveConfig(session.id)).toEqual({
            model: "opus",
            smallModel: "haiku",
            instructions: "plan carefully",
            tools: [],
            mcpServerIds: [],
            knowledgeIds: ["kb"],
            accessiblePaths: ["/app"],
            permissionMode: "acceptEdits",
            maxSteps: 10,
            configuration: { temperature: 0.9 }
          })
          const plain = yield* registry.createSession({ agentId: agent.id })
          const { createdAt: _c, id: _i, name: _n, updatedAt: _u, ...own } = agent
          expect(yield* registry.effectiveConfig(plain.id)).toEqual(own)
          yield* registry.updateAgent(agent.id, { maxSteps: 99 })
          expect((yield* registry.effectiveConfig(session.id)).maxSteps).toBe(99)
          const missing = yield* expectFailure(registry.effectiveConfig("nope"), "NotFound")
          expect(missing).toMatchObject({ entity: "session", id: "nope" })
        }))
    })

    describe("session logs", () => {
      const session = Effect.gen(function*() {
        const registry = yield* AgentRegistry
        const agent = yield* registry.createAgent(planner)
        return yield* registry.createSession({ agentId: agent.id })
      })

      test("appendLog returns growing ids; logs reads them back in insertion order, a page at a time", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const { id } = yield* session
          const first = yield* registry.appendLog(id, { role: "user", type: "message", content: "Fix the loader" })
          const second = yield* registry.appendLog(id, {
            role: "agent",
            type: "action",
            content: { tool: "bash", args: ["pytest", "-q"] },
            metadata: { step: 1 },
            parentId: first
          })
          const third = yield* registry.appendLog(id, { role: "tool", type: "observation", content: 15, parentId: second })
          expect(first < second && second < third).toBe(true)
          const logs = yield* registry.logs(id)
          const expected: Array<SessionLog> = [
            { id: first, sessionId: id, role: "user", type: "message", content: "Fix the loader", createdAt: "1970-01-01T00:00:00.000Z" },
            {
              id: second,
              sessionId: id,
              parentId: first,
              role: "agent",
              type: "action",
              content: { tool: "bash", args: ["pytest", "-q"] },
              metadata: { step: 1 },
              createdAt: "1970-01-01T00:00:00.000Z"
            },
            { id: third, sessionId: id, parentId: second, role: "tool", type: "observation", content: 15, createdAt: "1970-01-01T00:00:00.000Z" }
          ]
          expect(logs).toStrictEqual(expected)
          expect(yield* registry.logs(id, { limit: 1, offset: 1 })).toStrictEqual([expected[1]])
          expect((yield* registry.logTree(id))[0]).toStrictEqual({
            ...expected[0],
            children: [{ ...expected[1], children: [{ ...expected[2], children: [] }] }]
          })
          expect(yield* registry.logs("no-such-session")).toEqual([])
          for (const page of [{ limit: 0 }, { limit: 10_001 }, { offset: -2 }]) {
            yield* expectFailure(registry.logs(id, page), "ValidationError", JSON.stringify(page))
          }
        }))

      test("a stored log that does not match its schema is a DatabaseError from logs and logTree, and stays stored", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const sql = yield* SqlClient.SqlClient
          const { id } = yield* session
          const good = yield* registry.appendLog(id, { role: "user", type: "message", content: "fine" })
          const bad = yield* registry.appendLog(id, { role: "agent", type: "thought", content: "soon broken", parentId: good })
          for (const [column, stored] of [["content", "{not json"], ["metadata", "[1, 2]"], ["metadata", "7"]] as const) {
            yield* sql`UPDATE agent_session_logs SET ${sql(column)} = ${stored} WHERE id = ${bad}`
            for (const read of [registry.logs(id), registry.logTree(id)]) {
              const error = yield* expectFailure(read, "DatabaseError", `${column} ${stored}`)
              expect(error.reason).toBe("Query")
              expect(error.message).toContain("a stored row does not match its schema")
              expect(error.message).toContain(column)
            }
            yield* sql`UPDATE agent_session_logs SET content = '"soon broken"', metadata = NULL WHERE id = ${bad}`
          }
          expect((yield* registry.logs(id)).map((log) => log.id)).toEqual([good, bad])
          expect(yield* count("agent_session_logs")).toBe(2)
        }))

      test("a parent from another session or no parent at all is a ValidationError; an unknown session is NotFound; nothing is stored", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const mine = yield* session
          const theirs = yield* session
          const foreign = yield* registry.appendLog(theirs.id, { role: "user", type: "message", content: "theirs" })
          const across = yield* expectFailure(
            registry.appendLog(mine.id, { role: "agent", type: "thought", content: "x", parentId: foreign }),
            "ValidationError"
          )
          expect(across.issues).toEqual([{ path: "parentId", message: `log ${foreign} is not a log of session ${mine.id}` }])
          yield* expectFailure(registry.appendLog(mine.id, { role: "agent", type: "thought", content: "x", parentId: foreign + 1000 }), "ValidationError")
          const missing = yield* expectFailure(registry.appendLog("ghost", { role: "user", type: "message", content: "x" }), "NotFound")
          expect(missing).toMatchObject({ entity: "session", id: "ghost" })
          const role = yield* expectFailure(registry.appendLog(mine.id, untyped({ role: "robot", type: "message", content: 1 })), "ValidationError")
          expect(role.issues).toEqual([{ path: "role", message: "expected \"user\", \"agent\", \"system\" or \"tool\"" }])
          const type = yield* expectFailure(registry.appendLog(mine.id, untyped({ role: "user", type: "chat", content: 1 })), "ValidationError")
          expect(type.issues.map((issue) => issue.path)).toEqual(["type"])
          const content = yield* expectFailure(registry.appendLog(mine.id, untyped({ role: "user", type: "message" })), "ValidationError")
          expect(content.issues.map((issue) => issue.path)).toEqual(["content"])
          yield* expectFailure(registry.appendLog(mine.id, { role: "user", type: "message", content: Number.NaN }), "ValidationError")
          yield* expectFailure(registry.appendLog(mine.id, { role: "user", type: "message", content: 1, metadata: untyped("m") }), "ValidationError")
          yield* expectFailure(registry.appendLog(mine.id, { role: "user", type: "message", content: 1, parentId: 0 }), "ValidationError")
          expect(yield* registry.logs(mine.id)).toEqual([])
          expect(yield* count("agent_session_logs")).toBe(1)
        }))

      test("logTree: roots in order, each with its children in order", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const { id } = yield* session
          const append = (parentId?: number) =>
            registry.appendLog(id, { role: "agent", type: "thought", content: parentId ?? null, ...(parentId === undefined ? {} : { parentId }) })
          const r1 = yield* append()
          const r2 = yield* append()
          const a = yield* append(r1)
          const b = yield* append(r2)
          const c = yield* append(r1)
          const d = yield* append(a)
          const r3 = yield* append()
          const e = yield* append(c)
          const tree = yield* registry.logTree(id)
          expect(shapeOf(tree)).toEqual([
            [r1, [[a, [[d, []]]], [c, [[e, []]]]]],
            [r2, [[b, []]]],
            [r3, []]
          ])
          const logs = yield* registry.logs(id)
          const byId = new Map(logs.map((log) => [log.id, log]))
          const stack = [...tree]
          while (stack.length > 0) {
            const { children, ...log } = stack.pop()!
            expect(log).toEqual(byId.get(log.id))
            stack.push(...children)
          }
          expect(yield* registry.logTree("no-such-session")).toEqual([])
        }))

      test("a chain 1,000 deep comes back exactly", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const { id } = yield* session
          const ids: Array<number> = []
          yield* inTransaction(Effect.gen(function*() {
            for (let depth = 0; depth < 1_000; depth++) {
              const parentId = ids[depth - 1]
              ids.push(yield* registry.appendLog(id, {
                role: depth % 2 === 0 ? "agent" : "tool",
                type: depth % 2 === 0 ? "action" : "observation",
                content: { depth },
                ...(parentId === undefined ? {} : { parentId })
              }))
            }
          }))
          const tree = yield* registry.logTree(id)
          expect(tree).toHaveLength(1)
          let level: ReadonlyArray<SessionLogNode> = tree
          for (let depth = 0; depth < 1_000; depth++) {
            expect(level).toHaveLength(1)
            const node = level[0]!
            expect(node.id).toBe(ids[depth])
            expect(node.parentId).toBe(ids[depth - 1])
            expect(node.content).toEqual({ depth })
            level = node.children
          }
          expect(level).toEqual([])
        }), 60_000)

      test("a fan-out 10,000 wide comes back exactly", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const { id } = yield* session
          const root = yield* registry.appendLog(id, { role: "user", type: "message", content: "fan out" })
          const children: Array<number> = []
          yield* inTransaction(Effect.gen(function*() {
            for (let i = 0; i < 10_000; i++) {
              children.push(yield* registry.appendLog(id, { role: "tool", type: "observation", content: i, parentId: root }))
            }
          }))
          const tree = yield* registry.logTree(id)
          expect(tree).toHaveLength(1)
          expect(tree[0]!.id).toBe(root)
          expect(tree[0]!.children.map((child) => child.id)).toEqual(children)
          expect(tree[0]!.children.map((child) => child.content)).toEqual(children.map((_, i) => i))
          expect(tree[0]!.children.every((child) => child.parentId === root && child.children.length === 0)).toBe(true)
        }), 120_000)

      test("a log whose parent is deleted on its own becomes a root; its own children stay below it", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const sql = yield* SqlClient.SqlClient
          const { id } = yield* session
          const root = yield* registry.appendLog(id, { role: "user", type: "message", content: "root" })
          const middle = yield* registry.appendLog(id, { role: "agent", type: "thought", content: "middle", parentId: root })
          const leaf = yield* registry.appendLog(id, { role: "tool", type: "observation", content: "leaf", parentId: middle })
          yield* sql`DELETE FROM agent_session_logs WHERE id = ${root}`
          expect(shapeOf(yield* registry.logTree(id))).toEqual([[middle, [[leaf, []]]]])
          expect((yield* registry.logs(id))[0]!.parentId).toBeUndefined()
        }))
    })

    describe("redaction", () => {
      test("names, instructions, configuration, overrides, content and metadata reach the database redacted", () =>
        Effect.gen(function*() {
          const registry = yield* AgentRegistry
          const sql = yield* SqlClient.SqlClient
          const agent = yield* registry.createAgent({
            name: `deployer ${SECRET}`,
            model: "m",
            instructions: `Use the token ${SECRET} to push.`,
            configuration: { github: { token: "plain-looking-value" }, note: SECRET }
          })
          expect(agent.instructions).toBe("Use the token [REDACTED:github] to push.")
          expect(agent.configuration).toEqual({ github: { token: "[REDACTED:sensitive-key]" }, note: "[REDACTED:github]" })
          yield* registry.updateAgent(agent.id, { instructions: `again ${SECRET}` })
          const session = yield* registry.createSession({
            agentId: agent.id,
            name: `session ${SECRET}`,
            overrides: { instructions: `override ${SECRET}`, configuration: { password: "hunter2" } }
          })
          expect(session.overrides).toEqual({ instructions: "override [REDACTED:github]", configuration: { password: "[REDACTED:sensitive-key]" } })
          yield* registry.appendLog(session.id, {
            role: "tool",
            type: "observation",
            content: { stdout: `export GITHUB_TOKEN=${SECRET}` },
            metadata: { api_key: "abc123def" }
          })
          yield* registry.appendLog(session.id, { role: "user", type: "message", content: `my token is ${SECRET}` })
          const stored = yield* sql`SELECT name, instructions, configuration FROM agents
            UNION ALL SELECT name, overrides, '' FROM agent_sessions
            UNION ALL SELECT content, metadata, '' FROM agent_session_logs`.pipe(
            Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.NullOr(Schema.String) }))))
          )
          const text = JSON.stringify(stored)
          expect(text).not.toContain(SECRET)
          expect(text).not.toContain("hunter2")
          expect(text).not.toContain("abc123def")
          expect(text).not.toContain("plain-looking-value")
          expect(text).toContain("[REDACTED:github]")
          const [log] = yield* registry.logs(session.id)
          expect(log!.metadata).toEqual({ api_key: "[REDACTED:sensitive-key]" })
        }))
    })
  })
