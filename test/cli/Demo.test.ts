import { describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { childEntry, type ChildResult, runCommand } from "../support/ChildProcess.js"
import { logbook as runCli } from "../support/Cli.js"

const logbook = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => runCli(args, { env })

/** `logbook ARGS` run from `cwd`, with no database named anywhere: the default location applies. */
const logbookIn = (cwd: string, args: ReadonlyArray<string>): Promise<ChildResult> => {
  const env = { ...process.env }
  delete env.LOGBOOK_DATABASE_URL
  return runCommand(process.execPath, [childEntry("src/bin.ts"), ...args], { cwd, env })
}

interface Summary {
  readonly database: string
  readonly runId: string
  readonly projectId: string
  readonly taskId: string
  readonly traceId: string
  readonly sessionId: string
  readonly workflow: { state: string; transitions: Array<{ from: string; to: string; event: string }>; checkpoints: number }
  readonly agents: Array<{ agent: string; outcome: string; totalTokens: number; costUsd: number }>
  readonly run: { llmCalls: number; inputTokens: number; outputTokens: number; totalTokens: number; costUsd: number; events: number; auditEntries: number }
  readonly allRuns: { totalRuns: number; completedRuns: number; llmCalls: number; costUsd: number }
  readonly lesson: { title: string; applicationCount: number; snippet: string } | null
  readonly config: { scope: string; key: string; value: { agents: Array<string> } }
  readonly trajectory: { sessionId: string; steps: number; searchHit: boolean }
  readonly redaction: { auditId: number; stored: string; redacted: boolean }
  readonly tables: Array<{ table: string; added: number; total: number }>
}

describe("logbook demo", () => {
  it("runs on the default database with no other step, runs again on the same database, and stats then counts two runs", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-cli-demo-"))
    try {
      const first = await logbookIn(dir, ["demo"])
      expect(first.code, first.stderr).toBe(0)
      expect(first.stderr).toBe("")
      const url = path.join(dir, ".logbook", "logbook.db")
      expect(existsSync(url)).toBe(true)
      expect(first.stdout).toMatch(/^Recorded demo run [0-9a-f]{8} \(planner -> builder -> tester\) in .*\.logbook[/\\]logbook\.db$/m)
      expect(first.stdout).toMatch(/^workflow\s+task task-\S+: planning -> building -> testing -> done \(1 checkpoint\)$/m)
      expect(first.stdout).toMatch(/^this run\s+3 LLM calls, 7,100 tokens \(6,030 in, 1,070 out\), \$0\.0341; 10 trace events, 9 audit entries$/m)
      expect(first.stdout).toMatch(/^lesson\s+search "hyphen keys" -> "Config keys may contain hyphens" \(bug, new\)/m)
      expect(first.stdout).toMatch(/^redaction\s+secret redacted; audit entry #\d+ stored: curl -s -H "x-api-key: \[REDACTED:anthropic\]"/m)
      expect(first.stdout).not.toContain("sk-ant-")
      expect(first.stdout).toMatch(/^trajectory\s+session demo-\S+, 5 steps, found by full-text search$/m)
      expect(first.stdout).toMatch(/^execution_traces\s+1\s+1$/m)

      const second = await logbook(["demo", "--database", url, "--json"])
      expect(second.code, second.stderr).toBe(0)
      const summary: Summary = JSON.parse(second.stdout)
      expect(summary.database).toBe(url)
      expect(summary.workflow).toEqual({
        state: "done",
        transitions: [
          { from: "planning", to: "building", event: "PLAN_READY" },
          { from: "building", to: "testing", event: "BUILD_DONE" },
          { from: "testing", to: "done", event: "TESTS_PASSED" }
        ],
        checkpoints: 1
      })
      expect(summary.agents.map((a) => [a.agent, a.outcome])).toEqual([["planner", "success"], ["builder", "success"], ["tester", "success"]])
      expect(summary.run).toEqual({
        llmCalls: 3,
        inputTokens: 6030,
        outputTokens: 1070,
        totalTokens: 7100,
        costUsd: 0.034140,
        events: 10,
        auditEntries: 9
      })
      expect(summary.allRuns).toMatchObject({ totalRuns: 2, completedRuns: 2, llmCalls: 6 })
      expect(summary.lesson).toMatchObject({ title: "Config keys may contain hyphens", applicationCount: 1 })
      expect(summary.config).toEqual({
        scope: "project:demo",
        key: "orchestrator",
        value: { agents: ["planner", "builder", "tester"], model: "claude-sonnet-4-5", maxParallelAgents: 2 }
      })
      expect(summary.trajectory).toEqual({ sessionId: summary.sessionId, steps: 5, searchHit: true })
      expect(summary.redaction.redacted).toBe(true)
      expect(summary.redaction.stored).toContain("[REDACTED:anthropic]")
      expect(summary.redaction.stored).not.toContain("sk-ant-")
      const tables = Object.fromEntries(summary.tables.map((t) => [t.table, t]))
      expect(tables).toMatchObject({
        workflow_states: { added: 1, total: 2 },
        state_transitions: { added: 3, total: 6 },
        checkpoints: { added: 1, total: 2 },
        audit_logs: { added: 9, total: 18 },
        execution_traces: { added: 1, total: 2 },
        agent_invocations: { added: 3, total: 6 },
        trace_events: { added: 10, total: 20 },
        llm_usage: { added: 3, total: 6 },
        lessons: { added: 0, total: 1 },
        configurations: { added: 0, total: 1 },
        trajectories: { added: 1, total: 2 }
      })

      const stats = await logbook(["stats", "--json"], { LOGBOOK_DATABASE_URL: url })
      expect(stats.code, stats.stderr).toBe(0)
      expect(JSON.parse(stats.stdout)).toMatchObject({
        totalRuns: 2,
        completedRuns: 2,
        errorRuns: 0,
        llmCalls: 6,
        inputTokens: 12060,
        outputTokens: 2140,
        totalTokens: 14200
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
