import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import { tempDir } from "../support/TempDir.js"

const DAY = 24 * 60 * 60 * 1000

describe("retention of agent session logs", () => {
  it.scoped("sessionLogs deletes the logs written before its span, archives them first, and a later log whose parent goes becomes a root", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const archive = path.join(dir, "logs.jsonl.gz")
      yield* Effect.gen(function*() {
        const registry = yield* AgentRegistry
        yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00.000Z"))
        const agent = yield* registry.createAgent({ name: "planner", model: "m" })
        const session = yield* registry.createSession({ agentId: agent.id })
        const ask = yield* registry.appendLog(session.id, { role: "user", type: "message", content: "old question" })
        yield* registry.appendLog(session.id, { role: "agent", type: "thought", content: "old thought", parentId: ask })
        yield* TestClock.adjust(10 * DAY)
        const answer = yield* registry.appendLog(session.id, { role: "agent", type: "message", content: "new answer", parentId: ask })
        yield* registry.appendLog(session.id, { role: "tool", type: "observation", content: "new observation", parentId: answer })

        const dry = yield* Maintenance.prune({ policy: { sessionLogs: "7 days" }, dryRun: true })
        expect(dry.deleted).toEqual({ agent_session_logs: 2 })
        const report = yield* Maintenance.prune({ policy: { sessionLogs: "7 days" }, archive })
        expect(report.deleted).toEqual({ agent_session_logs: 2 })

        const archived = gunzipSync(readFileSync(archive)).toString("utf8").trim().split("\n").map((line) => JSON.parse(line))
        expect(archived.map((line) => [line.table, JSON.parse(line.row.content)])).toEqual([
          ["agent_session_logs", "old question"],
          ["agent_session_logs", "old thought"]
        ])
        const tree = yield* registry.logTree(session.id)
        expect(tree.map((node) => [node.content, node.parentId, node.children.map((child) => child.content)])).toEqual([
          ["new answer", undefined, ["new observation"]]
        ])
      }).pipe(Effect.provide(Logbook.layer({ url: path.join(dir, "logbook.db") })))
    }))
})
