import type { AgentInputItem } from "@openai/agents-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { ValidationError } from "../../src/Errors.js"
import { LogbookSession } from "../../src/openai-agents/index.js"
import { type Backend, describeBackends } from "../support/Backends.js"
import { runScript } from "../support/ChildProcess.js"
import { anthropicKey } from "../support/Secrets.js"

const SECRET = anthropicKey()

const user = (content: string): AgentInputItem => ({ role: "user", content })
const assistant = (text: string): AgentInputItem => ({
  type: "message",
  role: "assistant",
  status: "completed",
  id: "msg_1",
  content: [{ type: "output_text", text, providerData: { logprobs: [0.5], nested: { a: [1, null, true] } } }]
})

/** Runs `body` on a session opened on a fresh database of `backend` (`url` opens more on the same one). */
const withSessionOn = (backend: Backend) =>
(
  body: (session: LogbookSession, url: string) => Promise<void>,
  options?: { sessionId?: string }
) =>
  Effect.gen(function*() {
    const url = yield* backend.url
    yield* Effect.promise(async () => {
      const session = LogbookSession.open({ url }, options)
      try {
        await body(session, url)
      } finally {
        await session.close()
      }
    })
  }).pipe(Effect.scoped, Effect.runPromise)

describeBackends("LogbookSession", (backend) => {
const withSession = withSessionOn(backend)

describe("LogbookSession: the SDK's MemorySession behaviours", () => {
  it("keeps the session id it is given, or makes one", () =>
    withSession(async (session, url) => {
      expect(await session.getSessionId()).toBe("fixed")
      const other = LogbookSession.open({ url })
      expect(await other.getSessionId()).toMatch(/^[0-9a-f-]{36}$/)
      await other.close()
    }, { sessionId: "fixed" }))

  it("returns items exactly as given, in order; getItems(limit) the newest `limit`, in order", () =>
    withSession(async (session) => {
      const items = [user("one"), assistant("two"), user("three"), { type: "function_call_result", name: "f", callId: "c", status: "completed", output: { type: "text", text: "ok" } } as const]
      await session.addItems(items.slice(0, 2))
      await session.addItems(items.slice(2))
      expect(await session.getItems()).toEqual(items)
      expect(await session.getItems(2)).toEqual(items.slice(2))
      expect(await session.getItems(10)).toEqual(items)
      expect(await session.getItems(0)).toEqual([])
      expect(await session.getItems(-1)).toEqual([])
    }))

  it("adding no items changes nothing; stored items do not change when the caller's objects do", () =>
    withSession(async (session) => {
      const item = { role: "user" as const, content: "original" }
      await session.addItems([item])
      await session.addItems([])
      item.content = "changed"
      const [read] = await session.getItems()
      expect(read).toEqual({ role: "user", content: "original" })
    }))

  it("popItem removes and returns the newest item, undefined when empty", () =>
    withSession(async (session) => {
      expect(await session.popItem()).toBeUndefined()
      await session.addItems([user("a"), user("b")])
      expect(await session.popItem()).toEqual(user("b"))
      expect(await session.getItems()).toEqual([user("a")])
      expect(await session.popItem()).toEqual(user("a"))
      expect(await session.popItem()).toBeUndefined()
    }))

  it("clearSession empties the session and only it", () =>
    Effect.gen(function*() {
      const a = yield* LogbookSession.make({ sessionId: "a" })
      const b = yield* LogbookSession.make({ sessionId: "b" })
      yield* Effect.promise(async () => {
        await a.addItems([user("for a")])
        await b.addItems([user("for b")])
        await a.clearSession()
        expect(await a.getItems()).toEqual([])
        expect(await b.getItems()).toEqual([user("for b")])
      })
    }).pipe(Effect.provide(backend.core), Effect.runPromise))

  it("redacts secrets by default; a session exempted with redaction off returns them as given", () =>
    withSession(async (session, url) => {
      await session.addItems([user(`key ${SECRET}`)])
      const [redacted] = await session.getItems()
      expect(JSON.stringify(redacted)).not.toContain(SECRET)
      const exempt = LogbookSession.open({ url }, { redaction: "off" })
      await exempt.addItems([user(`key ${SECRET}`)])
      expect(await exempt.getItems()).toEqual([user(`key ${SECRET}`)])
      await exempt.close()
      expect(() => LogbookSession.open({ url: ":memory:" }, { sessionId: "" })).toThrow(ValidationError)
    }))
})
})

describe("LogbookSession with the SDK's Runner", () => {
  it("a conversation continues across two processes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-agents-"))
    try {
      const url = path.join(dir, "logbook.db")
      const first = await runScript("test/openai-agents/conversation.ts", [url, "chat-1", "Hello, my name is Ada"])
      expect(first.stdout).toContain("REPLY Nice to meet you (turn 1)")
      const second = await runScript("test/openai-agents/conversation.ts", [url, "chat-1", "What is my name?"])
      expect(second.stdout).toContain("REPLY Your name is Ada (turn 2)")
      const session = LogbookSession.open({ url }, { sessionId: "chat-1" })
      const items = await session.getItems()
      await session.close()
      expect(items).toHaveLength(4)
      expect(items[0]).toEqual({ type: "message", role: "user", content: "Hello, my name is Ada" })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
