import { describe, expect } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { request } from "node:http"
import * as Logbook from "../../src/Logbook.js"
import { UiApi } from "../../src/ui/Api.js"
import { uiServer } from "../../src/ui/Server.js"
import { HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN } from "../../src/ui/api/Lessons.js"
import { fileLayer } from "../support/FileLayer.js"
import { HOSTILE, HOSTILE_SESSION, UiFixture, uiFixture } from "./UiFixture.js"

const client = Effect.flatMap(UiFixture, ({ baseUrl }) => HttpApiClient.make(UiApi, { baseUrl }))

const raw = (path: string, init?: RequestInit) => Effect.flatMap(UiFixture, ({ baseUrl }) => Effect.promise(() => fetch(`${baseUrl}${path}`, init)))

/** The status of a GET sent with this `Host` header (fetch cannot set it). */
const statusWithHost = (host: string) =>
  Effect.flatMap(UiFixture, ({ baseUrl }) =>
    Effect.async<number>((resume) => {
      const req = request(`${baseUrl}/api/runs`, { headers: { host } }, (res) => {
        res.resume()
        resume(Effect.succeed(res.statusCode ?? 0))
      })
      req.on("error", (error) => resume(Effect.die(error)))
      req.end()
    }))

describe("logbook ui API, on the demo database", () => {
  // The stores stamp Effect's Clock: the real one here, so that the failed run starts after the demo's, as a user's would.
  describe("endpoints", () => {
    const it = fileLayer(Layer.merge(uiFixture(), FetchHttpClient.layer), { timeout: 60_000 })
    it.effect("runs.list: the demo run with its LLM calls, tokens and cost; filters by status, project and text", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo, failedRunId } = yield* UiFixture
        const all = yield* api.runs.list({ urlParams: {} })
        expect(all.runs.map((r) => r.id)).toEqual([failedRunId, demo.traceId])
        const run = all.runs[1]!
        expect(run).toMatchObject({ projectId: "demo", status: "completed", llmCalls: 3, llmTokens: 7100 })
        expect(run.costUsd).toBeCloseTo(demo.run.costUsd, 6)
        expect(all.next).toBeNull()
        const failed = yield* api.runs.list({ urlParams: { status: "error" } })
        expect(failed.runs.map((r) => r.id)).toEqual([failedRunId])
        expect(failed.runs[0]!.error).toContain(HOSTILE.img)
        expect((yield* api.runs.list({ urlParams: { project: "demo", agent: "orchestrator" } })).runs.map((r) => r.id)).toEqual([demo.traceId])
        expect((yield* api.runs.list({ urlParams: { text: demo.taskId } })).runs.map((r) => r.id)).toEqual([demo.traceId])
        expect((yield* api.runs.list({ urlParams: { text: "hyphen" } })).runs.map((r) => r.id)).toEqual([demo.traceId])
        expect((yield* api.runs.list({ urlParams: { text: "100%_" } })).runs).toEqual([])
        expect((yield* api.runs.list({ urlParams: { since: "2999-01-01T00:00:00Z" } })).runs).toEqual([])
      }))

    it.effect("runs.list pages by keyset: each page's next cursor leads to the following runs, with no overlap", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo, failedRunId } = yield* UiFixture
        const first = yield* api.runs.list({ urlParams: { limit: 1 } })
        expect(first.runs.map((r) => r.id)).toEqual([failedRunId])
        expect(first.next).not.toBeNull()
        const second = yield* api.runs.list({ urlParams: { limit: 1, cursor: first.next! } })
        expect(second.runs.map((r) => r.id)).toEqual([demo.traceId])
        expect(second.next).toBeNull()
      }))

    it.effect("runs.list refuses a malformed time with ValidationError (400) and a bad limit with a decode error", () =>
      Effect.gen(function*() {
        const api = yield* client
        const error = yield* Effect.flip(api.runs.list({ urlParams: { since: "yesterday" } }))
        expect(error._tag).toBe("ValidationError")
        const response = yield* raw("/api/runs?limit=0")
        expect(response.status).toBe(400)
      }))

    it.effect("runs.get: the trace with its invocations, events, LLM calls oldest first, trajectories and task state", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo } = yield* UiFixture
        const detail = yield* api.runs.get({ path: { id: demo.traceId } })
        expect(detail.run.id).toBe(demo.traceId)
        expect(detail.invocations.map((i) => i.agent)).toEqual(["planner", "builder", "tester"])
        expect(detail.events).toHaveLength(demo.run.events)
        expect(detail.llmCalls.map((c) => c.agent)).toEqual(["planner", "builder", "tester"])
        expect(detail.trajectories.map((t) => t.sessionId)).toEqual([demo.sessionId])
        expect(detail.taskState).toBe(demo.workflow.state)
        const missing = yield* Effect.flip(api.runs.get({ path: { id: "no-such-run" } }))
        expect(missing).toMatchObject({ _tag: "NotFound", id: "no-such-run" })
      }))

    it.effect("trajectories.list and search; trajectories.get returns the stored document, hostile text intact", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo } = yield* UiFixture
        const listed = yield* api.trajectories.list({ urlParams: {} })
        expect(listed.trajectories.map((t) => t.sessionId).sort()).toEqual([demo.sessionId, HOSTILE_SESSION].sort())
        const byAgent = yield* api.trajectories.list({ urlParams: { agent: "hostile-agent" } })
        expect(byAgent.trajectories.map((t) => t.sessionId)).toEqual([HOSTILE_SESSION])
        const found = yield* api.trajectories.list({ urlParams: { text: "iframe" } })
        expect(found.trajectories.map((t) => t.sessionId)).toEqual([HOSTILE_SESSION])
        expect(found.trajectories[0]!.snippet).toContain("[iframe]")
        const stored = yield* api.trajectories.get({ path: { sessionId: HOSTILE_SESSION } })
        expect(stored.info.stepCount).toBe(2)
        expect(JSON.stringify(stored.trajectory)).toContain(JSON.stringify(HOSTILE.script).slice(1, -1))
        const missing = yield* Effect.flip(api.trajectories.get({ path: { sessionId: "nope" } }))
        expect(missing._tag).toBe("NotFound")
      }))

    it.effect("tasks.list, tasks.get with transitions and checkpoints, tasks.diff between two checkpoints and the current context", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo, secondCheckpoint } = yield* UiFixture
        const page = yield* api.tasks.list({ urlParams: {} })
        expect(page.tasks.map((t) => t.taskId)).toContain(demo.taskId)
        const summary = page.tasks.find((t) => t.taskId === demo.taskId)!
        expect(summary).toMatchObject({ projectId: "demo", transitions: demo.workflow.transitions.length, checkpoints: 2 })
        const task = yield* api.tasks.get({ path: { taskId: demo.taskId } })
        expect(task.history.map((t) => t.to)).toEqual(demo.workflow.transitions.map((t) => t.to))
        expect(task.checkpoints).toHaveLength(2)
        const first = task.checkpoints[0]!.id
        const diff = yield* api.tasks.diff({ path: { taskId: demo.taskId }, urlParams: { from: first, to: secondCheckpoint } })
        expect(diff.changes).toContainEqual({ path: "$.goal", kind: "changed", before: expect.any(String), after: "changed goal" })
        expect(diff.changes).toContainEqual({ path: "$.extra", kind: "added", after: [1, 2] })
        const same = yield* api.tasks.diff({ path: { taskId: demo.taskId }, urlParams: { from: "current", to: "current" } })
        expect(same.changes).toEqual([])
        const missing = yield* Effect.flip(api.tasks.diff({ path: { taskId: demo.taskId }, urlParams: { from: "nope", to: "current" } }))
        expect(missing).toMatchObject({ _tag: "NotFound", entity: "Checkpoint" })
        expect((yield* Effect.flip(api.tasks.get({ path: { taskId: "nope" } })))._tag).toBe("NotFound")
      }))

    it.effect("audit.list filters and pages; audit.export streams CSV and JSON Lines through the exporter", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo } = yield* UiFixture
        const entries = yield* api.audit.list({ urlParams: { project: "demo" } })
        expect(entries.entries).toHaveLength(demo.run.auditEntries)
        expect(entries.more).toBe(false)
        const firstPage = yield* api.audit.list({ urlParams: { project: "demo", limit: 2 } })
        expect(firstPage.entries).toHaveLength(2)
        expect(firstPage.more).toBe(true)
        const csv = yield* raw("/api/audit/export?format=csv&project=demo")
        expect(csv.headers.get("content-type")).toContain("text/csv")
        const lines = (yield* Effect.promise(() => csv.text())).trim().split("\r\n")
        expect(lines[0]).toContain("action")
        expect(lines).toHaveLength(demo.run.auditEntries + 1)
        const jsonl = yield* raw("/api/audit/export?format=jsonl&project=demo")
        const rows = (yield* Effect.promise(() => jsonl.text())).trim().split("\n").map((line) => JSON.parse(line))
        expect(rows).toHaveLength(demo.run.auditEntries)
        expect((yield* raw("/api/audit/export?format=csv&since=garbage")).status).toBe(400)
        const viaClient = yield* api.audit.export({ urlParams: { format: "json", project: "demo" } })
        expect(JSON.parse(viaClient)).toHaveLength(demo.run.auditEntries)
      }))

    it.effect("lessons.search: highlighted snippets, by text, category and tag", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo } = yield* UiFixture
        const found = yield* api.lessons.search({ urlParams: { text: demo.lesson!.query } })
        expect(found.lessons.map((l) => l.title)).toEqual([demo.lesson!.title])
        expect(found.lessons[0]!.snippet).toContain(HIGHLIGHT_OPEN)
        expect(found.lessons[0]!.snippet).toContain(HIGHLIGHT_CLOSE)
        const tag = found.lessons[0]!.tags[0]!
        expect((yield* api.lessons.search({ urlParams: { tag } })).lessons).toHaveLength(1)
        expect((yield* api.lessons.search({ urlParams: { category: "performance" } })).lessons).toHaveLength(0)
      }))

    it.effect("costs: tokens and cost per day by model and agent, agent health with percentiles, the window's totals; doctor is ok", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo } = yield* UiFixture
        const costs = yield* api.costs.costs({ urlParams: {} })
        const demoDaily = costs.daily.filter((row) => row.model !== "gpt-test")
        expect(demoDaily.reduce((sum, row) => sum + row.totalTokens, 0)).toBe(demo.run.totalTokens)
        expect(demoDaily.reduce((sum, row) => sum + row.costUsd, 0)).toBeCloseTo(demo.run.costUsd, 6)
        expect(costs.agents.map((a) => a.agent)).toEqual(["builder", "deployer", "planner", "tester"])
        const deployer = costs.agents.find((a) => a.agent === "deployer")!
        expect(deployer).toMatchObject({ invocations: 1, failures: 1, successRate: 0 })
        const planner = costs.agents.find((a) => a.agent === "planner")!
        expect(planner.successRate).toBe(1)
        expect(planner.p50DurationMs).not.toBeNull()
        expect(planner.p95DurationMs!).toBeGreaterThanOrEqual(planner.p50DurationMs!)
        expect(costs.totals.llmCalls).toBe(4)
        expect(costs.totals.totalTokens).toBe(demo.run.totalTokens + 10)
        expect(costs.totals.costUsd).toBeCloseTo(demo.run.costUsd, 6)
        expect((yield* api.costs.costs({ urlParams: { since: "2999-01-01T00:00:00Z" } })).daily).toEqual([])
        const doctor = yield* api.costs.doctor()
        expect(doctor.ok).toBe(true)
      }))

    it.effect("agents.list: the demo's planner, builder and tester in the order they were registered; pages by limit and offset", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { agents } = yield* api.agents.list({ urlParams: {} })
        expect(agents.map((a) => a.name)).toEqual(["planner", "builder", "tester"])
        expect(agents.find((a) => a.name === "builder")).toMatchObject({ permissionMode: "acceptEdits", tools: ["write_file"] })
        const second = yield* api.agents.list({ urlParams: { limit: 1, offset: 1 } })
        expect(second.agents.map((a) => a.name)).toEqual(["builder"])
        expect((yield* raw("/api/agents?limit=0")).status).toBe(400)
      }))

    it.effect("agents.get: an agent with its sessions, by status; an unknown agent is NotFound (404)", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { demo } = yield* UiFixture
        const builder = (yield* api.agents.list({ urlParams: {} })).agents.find((a) => a.name === "builder")!
        const detail = yield* api.agents.get({ path: { id: builder.id }, urlParams: {} })
        expect(detail.agent.id).toBe(builder.id)
        expect(detail.sessions).toHaveLength(1)
        expect(detail.sessions[0]).toMatchObject({ agentId: builder.id, status: "completed", name: `${demo.taskId}: Widen KEY_RE and add the regression test` })
        expect((yield* api.agents.get({ path: { id: builder.id }, urlParams: { status: "running" } })).sessions).toEqual([])
        const missing = yield* Effect.flip(api.agents.get({ path: { id: "no-such-agent" }, urlParams: {} }))
        expect(missing).toMatchObject({ _tag: "NotFound", entity: "agent", id: "no-such-agent" })
        expect((yield* raw("/api/agents/no-such-agent")).status).toBe(404)
      }))

    it.effect("agents.session: the session with its agent, effective configuration and nested log tree; an unknown session is NotFound (404)", () =>
      Effect.gen(function*() {
        const api = yield* client
        const builder = (yield* api.agents.list({ urlParams: {} })).agents.find((a) => a.name === "builder")!
        const [session] = (yield* api.agents.get({ path: { id: builder.id }, urlParams: {} })).sessions
        const detail = yield* api.agents.session({ path: { id: session!.id } })
        expect(detail.session.id).toBe(session!.id)
        expect(detail.agent.name).toBe("builder")
        expect(detail.effectiveConfig).toMatchObject({ model: builder.model, tools: ["write_file"], permissionMode: "acceptEdits" })
        expect(detail.logs).toHaveLength(1)
        const [prompt] = detail.logs
        expect(prompt).toMatchObject({ role: "user", type: "message" })
        expect(prompt!.children.map((c) => [c.role, c.type])).toEqual([["agent", "action"], ["agent", "message"]])
        const [call] = prompt!.children
        expect(call!.content).toMatchObject({ tool: "write_file" })
        expect(call!.children.map((c) => [c.role, c.type, c.content])).toEqual([["tool", "observation", "wrote 42 bytes"]])
        expect(call!.children[0]!.children).toEqual([])
        const missing = yield* Effect.flip(api.agents.session({ path: { id: "no-such-session" } }))
        expect(missing).toMatchObject({ _tag: "NotFound", entity: "session", id: "no-such-session" })
      }))

    it.effect("serves its OpenAPI document, and every response carries the Content-Security-Policy", () =>
      Effect.gen(function*() {
        const response = yield* raw("/api/openapi.json")
        expect(response.status).toBe(200)
        expect(response.headers.get("content-security-policy")).toContain("script-src 'self'")
        const spec = (yield* Effect.promise(() => response.json())) as { paths: Record<string, unknown> }
        expect(Object.keys(spec.paths).sort()).toEqual([
          "/api/agents", "/api/agents/{id}", "/api/audit", "/api/audit/export", "/api/costs", "/api/doctor", "/api/lessons",
          "/api/runs", "/api/runs/{id}", "/api/sessions/{id}", "/api/tasks", "/api/tasks/{taskId}", "/api/tasks/{taskId}/diff", "/api/trajectories", "/api/trajectories/{sessionId}"
        ])
        expect((yield* raw("/api/runs")).headers.get("content-security-policy")).not.toContain("unsafe-inline")
      }))

    it.effect("is read-only and loopback-only: writes get 405, a foreign Host header 403", () =>
      Effect.gen(function*() {
        expect((yield* raw("/api/runs", { method: "POST" })).status).toBe(405)
        expect((yield* raw("/api/runs", { method: "DELETE" })).status).toBe(405)
        expect(yield* statusWithHost("attacker.example:4100")).toBe(403)
        expect(yield* statusWithHost("localhost:4100")).toBe(200)
        expect(yield* statusWithHost("[::1]:4100")).toBe(200)
      }))
  })
})

describe("logbook ui API on another interface", () => {
  const TOKEN = "test-token-0123456789"
  class TokenServer extends Context.Tag("test/TokenServer")<TokenServer, string>() {}
  const raw = (path: string, init?: RequestInit) =>
    Effect.flatMap(TokenServer, (baseUrl) => Effect.promise(() => fetch(`${baseUrl}${path}`, init)))
  const server = Layer.scoped(
    TokenServer,
    Effect.gen(function*() {
      const stores = yield* Layer.build(Logbook.layerMemory)
      const context = yield* Layer.build(uiServer({ port: 0, host: "127.0.0.1", token: TOKEN })).pipe(Effect.provide(stores))
      const address = Context.get(context, HttpServer.HttpServer).address
      if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("not on TCP")
      return `http://127.0.0.1:${address.port}`
    })
  )
  describe("with a token", () => {
    const it = fileLayer(server, { timeout: 60_000 })
    it.effect("requires the token: 401 without it; a bearer header or the cookie set by /?token= lets the request through", () =>
      Effect.gen(function*() {
        expect((yield* raw("/api/runs")).status).toBe(401)
        expect((yield* raw("/api/runs", { headers: { authorization: "Bearer wrong" } })).status).toBe(401)
        expect((yield* raw("/api/runs", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
        const login = yield* raw(`/?token=${TOKEN}`, { redirect: "manual" })
        expect(login.status).toBe(303)
        const cookie = login.headers.get("set-cookie") ?? ""
        expect(cookie).toContain("HttpOnly")
        expect(cookie).toContain("SameSite=Strict")
        const withCookie = yield* raw("/api/runs", { headers: { cookie: cookie.split(";")[0]! } })
        expect(withCookie.status).toBe(200)
        expect((yield* raw("/?token=wrong", { redirect: "manual" })).status).toBe(401)
      }))
  })
})
