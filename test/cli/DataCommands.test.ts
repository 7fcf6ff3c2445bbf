import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { logbook as runCli, oneLineError } from "../support/Cli.js"

const logbook = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => runCli(args, { env })

const fixture = fileURLToPath(new URL("../fixtures/atif/coding-agent.json", import.meta.url))
const FIXTURE_SESSION = "0b6e2f9a-5c1d-4f3e-9a7b-2d8c1e4f6a01"

/** RFC 4180 records (CRLF or LF line ends, quoted fields with `""`); throws on malformed input. */
const parseCsv = (text: string): Array<Array<string>> => {
  const records: Array<Array<string>> = []
  let record: Array<string> = []
  let field = ""
  let quoted = false
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === "\"" && text[i + 1] === "\"") {
        field += "\""
        i += 2
        continue
      }
      if (c === "\"") quoted = false
      else field += c
      i++
      continue
    }
    if (c === "\"") {
      if (field !== "") throw new Error(`quote inside a bare field at ${i}`)
      quoted = true
    } else if (c === ",") {
      record.push(field)
      field = ""
    } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      record.push(field)
      records.push(record)
      record = []
      field = ""
      if (c === "\r") i++
    } else field += c
    i++
  }
  if (quoted) throw new Error("unterminated quoted field")
  if (field !== "" || record.length > 0) records.push([...record, field])
  return records
}

interface Demo {
  readonly traceId: string
  readonly sessionId: string
  readonly taskId: string
}

describe("logbook data commands", () => {
  let dir = ""
  let url = ""
  let demo: Demo

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "logbook-cli-data-"))
    url = path.join(dir, "logbook.db")
    const seeded = await logbook(["demo", "--database", url, "--json"])
    expect(seeded.code, seeded.stderr).toBe(0)
    demo = JSON.parse(seeded.stdout)
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("audit query and export: a readable table, JSON, filters, a CSV file that a CSV parser reads back, JSON Lines on stdout", async () => {
    const csvFile = path.join(dir, "out", "audit.csv")
    const [table, json, csv, jsonl, badSince] = await Promise.all([
      logbook(["audit", "query", "--database", url]),
      logbook(["audit", "query", "--category", "security", "--since", "1d", "--json"], { LOGBOOK_DATABASE_URL: url }),
      logbook(["audit", "export", "--database", url, "--project", "demo", "--format", "csv", "--out", csvFile, "--json"]),
      logbook(["audit", "export", "--database", url, "--format", "jsonl", "--since", "2000-01-01"]),
      logbook(["audit", "query", "--database", url, "--since", "last tuesday"])
    ])

    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/^TIME\s+PROJECT\s+TASK\s+AGENT\s+CATEGORY\s+ACTION\s+DETAILS/)
    expect(table.stdout).toContain("state.transition")
    expect(table.stdout).toContain("[REDACTED:anthropic]")
    expect(table.stderr).toBe("")

    expect(json.code, json.stderr).toBe(0)
    const security: Array<{ category: string; action: string; details: { command: string } }> = JSON.parse(json.stdout)
    expect(security).toHaveLength(1)
    expect(security[0]!.action).toBe("tool.command")
    expect(security[0]!.details.command).toMatch(/x-api-key: \[REDACTED:anthropic\]/)
    expect(security[0]!.details.command).not.toContain("sk-ant-")

    expect(csv.code, csv.stderr).toBe(0)
    expect(csv.stderr).toBe("")
    const summary: { format: string; entries: number; file: string; bytes: number } = JSON.parse(csv.stdout)
    const records = parseCsv(readFileSync(csvFile, "utf8"))
    expect(records[0]).toEqual(["id", "timestamp", "project_id", "task_id", "agent", "action", "category", "details", "user_id", "ip_address"])
    const rows = records.slice(1)
    expect(summary).toMatchObject({ format: "csv", entries: rows.length })
    expect(summary.bytes).toBe(readFileSync(csvFile).length)
    expect(rows.length).toBeGreaterThanOrEqual(9)
    expect(rows.every((row) => row.length === 10 && row[2] === "demo" && row[3] === demo.taskId)).toBe(true)
    const secret = rows.find((row) => row[5] === "tool.command")!
    expect(JSON.parse(secret[7]!).command).toContain("[REDACTED:anthropic]")
    expect(rows.map((row) => row[5])).toContain("state.transition")

    expect(jsonl.code, jsonl.stderr).toBe(0)
    const lines = jsonl.stdout.trimEnd().split("\n").map((line) => JSON.parse(line))
    expect(lines).toHaveLength(rows.length)
    expect(new Set(lines.map((entry: { id: number }) => String(entry.id)))).toEqual(new Set(rows.map((row) => row[0])))

    expect(badSince.code).toBe(1)
    expect(oneLineError(badSince)).toMatch(/^logbook: invalid --since "last tuesday"/)
  }, 120_000)

  it("lessons search, traces list and show, and stats, readable and as JSON; a missing trace is one line and exit 1", async () => {
    const [lessons, lessonsJson, list, show, showJson, missing, stats, plannerStats] = await Promise.all([
      logbook(["lessons", "search", "hyphen", "keys", "--database", url]),
      logbook(["lessons", "search", "max-steps \"KEY_RE", "--project", "demo", "--json", "--database", url]),
      logbook(["traces", "list", "--project", "demo", "--database", url]),
      logbook(["traces", "show", demo.traceId, "--database", url]),
      logbook(["traces", "show", demo.traceId, "--json", "--database", url]),
      logbook(["traces", "show", "no-such-trace", "--database", url]),
      logbook(["stats", "--database", url]),
      logbook(["stats", "--agent", "planner", "--json", "--database", url])
    ])

    expect(lessons.code, lessons.stderr).toBe(0)
    expect(lessons.stdout).toMatch(/^CATEGORY\s+TITLE/)
    expect(lessons.stdout).toContain("Config keys may contain hyphens")
    expect(lessons.stdout).toContain("[hyphens]")
    expect(lessonsJson.code, lessonsJson.stderr).toBe(0)
    const hits: Array<{ title: string; projectId: string; rank: number }> = JSON.parse(lessonsJson.stdout)
    expect(hits.map((hit) => hit.title)).toEqual(["Config keys may contain hyphens"])

    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/^ID\s+STATUS/)
    expect(list.stdout).toContain(demo.traceId)
    expect(list.stdout).toContain("completed")

    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toContain(`trace      ${demo.traceId}`)
    expect(show.stdout).toMatch(/Invocations:\n[^]*planner\s+success/)
    expect(show.stdout).toMatch(/Events:\n[^]*tool\.called/)
    expect(show.stdout).toMatch(/LLM calls:\n[^]*claude-sonnet-4-5/)
    expect(showJson.code, showJson.stderr).toBe(0)
    const details = JSON.parse(showJson.stdout)
    expect(details.trace).toMatchObject({ id: demo.traceId, status: "completed", projectId: "demo" })
    expect(details.invocations.map((i: { agent: string }) => i.agent)).toEqual(["planner", "builder", "tester"])
    expect(details.events.length).toBe(10)
    expect(details.llmUsage).toHaveLength(3)
    expect(details.llmUsage.every((u: { costUsd: number }) => u.costUsd > 0)).toBe(true)

    expect(missing.code).toBe(1)
    expect(oneLineError(missing)).toBe("logbook: NotFound: trace no-such-trace not found")

    expect(stats.code, stats.stderr).toBe(0)
    expect(stats.stdout).toMatch(/^runs\s+1 \(1 completed, 0 error, 0 cancelled, 0 running\)$/m)
    expect(stats.stdout).toMatch(/^LLM calls\s+3$/m)
    expect(stats.stdout).toMatch(/^tokens\s+7,100 \(6,030 in, 1,070 out\)$/m)
    expect(plannerStats.code, plannerStats.stderr).toBe(0)
    expect(JSON.parse(plannerStats.stdout)).toMatchObject({ totalRuns: 0, llmCalls: 1, inputTokens: 1240, outputTokens: 310 })
  }, 120_000)

  it("trajectories import (a broken file is named on stderr, the good one is still stored), show, search, list and export", async () => {
    const broken = path.join(dir, "broken.json")
    const atif = JSON.parse(readFileSync(fixture, "utf8"))
    writeFileSync(broken, JSON.stringify({ ...atif, session_id: "broken-one", steps: atif.steps.slice(1) }))
    const notJson = path.join(dir, "not-json.json")
    writeFileSync(notJson, "{ this is not json")

    const imported = await logbook(["trajectories", "import", fixture, broken, notJson, "--database", url])
    expect(imported.code).toBe(1)
    expect(imported.stdout).toContain(`imported ${fixture}: session ${FIXTURE_SESSION} (5 steps)`)
    expect(imported.stdout).toContain("1 of 3 trajectories imported")
    const errors = imported.stderr.trim().split("\n")
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(new RegExp(`^logbook: ${broken.replace(/[.\\]/g, "\\$&")}: invalid ATIF trajectory: steps\\[0\\]\\.step_id`))
    expect(errors[1]).toMatch(/^logbook: .*not-json\.json: not valid JSON/)
    expect(imported.stderr).not.toContain("    at ")

    const exportFile = path.join(dir, "trajectories.jsonl")
    const [show, showJson, missing, search, list, exported] = await Promise.all([
      logbook(["trajectories", "show", FIXTURE_SESSION, "--database", url]),
      logbook(["trajectories", "show", demo.sessionId, "--json", "--database", url]),
      logbook(["trajectories", "show", "broken-one", "--database", url]),
      logbook(["trajectories", "search", "hyphen", "--json", "--database", url]),
      logbook(["trajectories", "list", "--agent", "terminus", "--database", url]),
      logbook(["trajectories", "export", "--out", exportFile, "--json", "--database", url])
    ])

    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toMatch(/^session\s+0b6e2f9a/)
    expect(show.stdout).toMatch(/^4\s+agent\s+\S+\s+write_file,bash/m)
    expect(showJson.code, showJson.stderr).toBe(0)
    const stored = JSON.parse(showJson.stdout)
    expect(stored).toMatchObject({ sessionId: demo.sessionId, taskId: demo.taskId, stepCount: 5 })
    expect(stored.trajectory.steps.map((s: { source: string }) => s.source)).toEqual(["system", "user", "agent", "agent", "agent"])
    expect(missing.code).toBe(1)
    expect(oneLineError(missing)).toBe("logbook: NotFound: trajectory broken-one not found")

    expect(search.code, search.stderr).toBe(0)
    const hits: Array<{ sessionId: string }> = JSON.parse(search.stdout)
    expect(hits.map((h) => h.sessionId).sort()).toEqual([FIXTURE_SESSION, demo.sessionId].sort())
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/^SESSION\s+AGENT/)
    expect(list.stdout).toContain(FIXTURE_SESSION)
    expect(list.stdout).not.toContain(demo.sessionId)

    expect(exported.code, exported.stderr).toBe(0)
    expect(JSON.parse(exported.stdout)).toMatchObject({ trajectories: 2 })
    const documents = readFileSync(exportFile, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line))
    expect(documents.map((d: { session_id: string }) => d.session_id).sort()).toEqual([FIXTURE_SESSION, demo.sessionId].sort())
    expect(documents.find((d: { session_id: string }) => d.session_id === FIXTURE_SESSION)).toEqual(atif)

    // The export reads back in: a JSON Lines file imports one trajectory per line.
    const reimported = await logbook(["trajectories", "import", exportFile, "--json", "--database", url])
    expect(reimported.code, reimported.stderr).toBe(0)
    const outcomes: Array<{ source: string; ok: boolean; sessionId: string; steps: number; error: null }> = JSON.parse(reimported.stdout)
    expect(outcomes.map((o) => o.source)).toEqual([`${exportFile}:1`, `${exportFile}:2`])
    expect(outcomes.map((o) => o.sessionId).sort()).toEqual([FIXTURE_SESSION, demo.sessionId].sort())
    expect(outcomes.every((o) => o.ok && o.steps === 5 && o.error === null)).toBe(true)
  }, 120_000)
})
