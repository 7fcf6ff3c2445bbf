import { afterAll, beforeAll, describe, expect, it } from "vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { type ProgressTarget, renderProgress, withActivity, withProgress } from "../../src/cli/Progress.js"
import { logbook as runCli, oneLineError } from "../support/Cli.js"

const logbook = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => runCli(args, { env })

const countRows = (file: string, table: string): number => {
  const db = new Sqlite(file, { readonly: true })
  try {
    const row: unknown = db.prepare(`SELECT count(*) AS n FROM ${table}`).get()
    return typeof row === "object" && row !== null && "n" in row && typeof row.n === "number" ? row.n : -1
  } finally {
    db.close()
  }
}

describe("logbook operations commands", () => {
  let dir = ""
  let url = ""

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "logbook-cli-ops-"))
    url = path.join(dir, "logbook.db")
    const seeded = await logbook(["demo", "--database", url])
    expect(seeded.code, seeded.stderr).toBe(0)
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("doctor is ok on a demo database; backup writes a copy that passes integrity_check; bad --older-than is one line and exit 1", async () => {
    const copy = path.join(dir, "backups", "copy.db")
    const [doctor, doctorJson, backup, badSpan, missingSpan] = await Promise.all([
      logbook(["doctor", "--database", url]),
      logbook(["doctor", "--json"], { LOGBOOK_DATABASE_URL: url }),
      logbook(["backup", copy, "--database", url, "--json"]),
      logbook(["prune", "--older-than", "ninety days", "--database", url]),
      logbook(["prune", "--older-than", "90", "--database", url])
    ])

    expect(doctor.code, doctor.stderr).toBe(0)
    expect(doctor.stdout).toMatch(/^integrity\s+ok$/m)
    expect(doctor.stdout).toMatch(/^search indexes\s+lessons_fts ok, trajectories_fts ok$/m)
    expect(doctor.stdout).toMatch(/^status\s+OK$/m)
    expect(doctor.stderr).toBe("")
    expect(doctorJson.code, doctorJson.stderr).toBe(0)
    const report = JSON.parse(doctorJson.stdout)
    expect(report).toMatchObject({ ok: true, integrity: ["ok"], foreignKeyViolations: 0, journalMode: "wal" })
    expect(report.migrations.pending).toEqual([])

    expect(backup.code, backup.stderr).toBe(0)
    expect(backup.stderr).toBe("")
    const result = JSON.parse(backup.stdout)
    expect(result).toMatchObject({ source: url, file: copy })
    expect(result.bytes).toBeGreaterThan(0)
    const db = new Sqlite(copy, { readonly: true })
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok")
    } finally {
      db.close()
    }
    for (const table of ["audit_logs", "execution_traces", "llm_usage", "lessons", "trajectories"]) {
      expect(countRows(copy, table), table).toBe(countRows(url, table))
    }
    expect(countRows(copy, "audit_logs")).toBeGreaterThan(0)

    expect(badSpan.code).toBe(1)
    expect(oneLineError(badSpan)).toBe(
      `logbook: invalid --older-than "ninety days": expected a number and a unit, e.g. 90d, 12h, 30m or 2w`
    )
    expect(missingSpan.code).toBe(1)
    expect(oneLineError(missingSpan)).toMatch(/^logbook: invalid --older-than "90"/)
  }, 120_000)

  it("backup refuses to overwrite the database itself", async () => {
    const self = await logbook(["backup", url, "--database", url])
    expect(self.code).toBe(1)
    expect(oneLineError(self)).toBe(`logbook: cannot back up ${url} onto itself`)
  }, 60_000)

  it("prune --older-than 0d --archive writes a gzip JSON Lines archive of every deleted row and prints per-table counts", async () => {
    const before = {
      audit_logs: countRows(url, "audit_logs"),
      execution_traces: countRows(url, "execution_traces"),
      trace_events: countRows(url, "trace_events"),
      llm_usage: countRows(url, "llm_usage"),
      lessons: countRows(url, "lessons")
    }
    const archive = path.join(dir, "archive", "pruned.jsonl.gz")
    const kept = await logbook(["prune", "--older-than", "2w", "--database", url])
    expect(kept.code, kept.stderr).toBe(0)
    expect(kept.stdout).toMatch(/^pruned 0 rows older than /)

    const pruned = await logbook(["prune", "--older-than", "0d", "--archive", archive, "--database", url, "--json"])
    expect(pruned.code, pruned.stderr).toBe(0)
    expect(pruned.stderr).toBe("")
    const report = JSON.parse(pruned.stdout)
    expect(report.archive).toBe(archive)
    expect(report.deleted).toMatchObject({
      audit_logs: before.audit_logs,
      execution_traces: before.execution_traces,
      trace_events: before.trace_events,
      llm_usage: before.llm_usage
    })
    expect(report.total).toBe(Object.values<number>(report.deleted).reduce((a, b) => a + b, 0))

    const compressed = readFileSync(archive)
    expect(compressed.length).toBeGreaterThan(0)
    expect([compressed[0], compressed[1]]).toEqual([0x1f, 0x8b])
    const lines: Array<{ table: string; row: Record<string, unknown> }> = gunzipSync(compressed).toString("utf8")
      .trimEnd().split("\n").map((line) => JSON.parse(line))
    expect(lines).toHaveLength(report.total)
    expect(lines.filter((line) => line.table === "audit_logs")).toHaveLength(before.audit_logs)
    expect(countRows(url, "audit_logs")).toBe(0)
    expect(countRows(url, "lessons")).toBe(before.lessons)

    const readable = await logbook(["prune", "--older-than", "0d", "--database", url])
    expect(readable.code, readable.stderr).toBe(0)
    expect(readable.stdout).toMatch(/^pruned 0 rows older than \d{4}-/)
  }, 120_000)

  it("prune --dry-run prints per table what would go and deletes nothing; --policy and LOGBOOK_RETENTION select every table; a bad policy is one line", async () => {
    const copy = path.join(dir, "policy.db")
    const backup = await logbook(["backup", copy, "--database", url])
    expect(backup.code, backup.stderr).toBe(0)
    const checkpoints = countRows(copy, "checkpoints")
    expect(checkpoints).toBeGreaterThan(0)
    const policy = JSON.stringify({ checkpoints: { keepLast: 0 }, workflowStates: "0d" })
    const [dry, none, bad, badEnv, own] = await Promise.all([
      logbook(["prune", "--dry-run", "--policy", policy, "--database", copy]),
      logbook(["prune", "--database", copy], { LOGBOOK_RETENTION: "" }),
      logbook(["prune", "--policy", "{\"checkpoints\":{\"keepLast\":-1}}", "--database", copy]),
      logbook(["prune", "--database", copy], { LOGBOOK_RETENTION: "{\"audits\":\"9d\"}" }),
      logbook(["prune", "--older-than", "0d", "--archive", `${copy}-wal`, "--database", copy])
    ])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/^would prune \d+ rows by the retention policy \(dry run: nothing deleted\)$/m)
    expect(dry.stdout).toMatch(new RegExp(`^checkpoints\\s+${checkpoints}$`, "m"))
    expect(countRows(copy, "checkpoints")).toBe(checkpoints)
    expect(none.code).toBe(1)
    expect(bad.code).toBe(1)
    expect(oneLineError(bad)).toBe("logbook: invalid --policy: checkpoints.keepLast: expected a whole number of checkpoints, 0 or more, got -1")
    expect(badEnv.code).toBe(1)
    expect(oneLineError(badEnv)).toMatch(/^logbook: invalid LOGBOOK_RETENTION: audits: unknown entry; expected one of audit, /)
    expect(own.code).toBe(1)
    expect(oneLineError(own)).toMatch(/--archive .*-wal is the database's own file .*-wal; choose another path$/)

    const applied = await logbook(["prune", "--json", "--database", copy], { LOGBOOK_RETENTION: policy })
    expect(applied.code, applied.stderr).toBe(0)
    const report = JSON.parse(applied.stdout)
    expect(report.deleted.checkpoints).toBe(checkpoints)
    expect(countRows(copy, "checkpoints")).toBe(0)
    expect(countRows(copy, "workflow_states")).toBe(0)
  }, 120_000)

  it("storage reports rows and bytes per table and index with the growth since the last report; vacuum gives free pages back", async () => {
    const copy = path.join(dir, "storage.db")
    const backup = await logbook(["backup", copy, "--database", url])
    expect(backup.code, backup.stderr).toBe(0)
    const first = await logbook(["storage", "--json", "--database", copy])
    expect(first.code, first.stderr).toBe(0)
    const report = JSON.parse(first.stdout)
    expect(report.growth).toBe(null)
    const audit = report.objects.find((object: { name: string }) => object.name === "audit_logs")
    expect(audit).toMatchObject({ type: "table", table: "audit_logs", rows: countRows(copy, "audit_logs") })
    expect(audit.bytes).toBeGreaterThan(0)
    expect(report.objects.some((object: { type: string; table: string }) => object.type === "index" && object.table === "audit_logs")).toBe(true)
    expect(report.largestTasks.length).toBeGreaterThan(0)
    const second = await logbook(["storage", "--database", copy])
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toMatch(/^growth\s+[+-]\d+(\.\d+)? k?B since \d{4}-/m)
    expect(second.stdout).toMatch(/^NAME\s+TYPE\s+ROWS\s+SIZE$/m)

    const vacuum = await logbook(["vacuum", "--json", "--database", copy])
    expect(vacuum.code, vacuum.stderr).toBe(0)
    expect(vacuum.stderr).toMatch(/^vacuuming .*storage\.db: /)
    expect(JSON.parse(vacuum.stdout)).toMatchObject({ autoVacuum: "incremental" })
    const doctor = await logbook(["doctor", "--database", copy])
    expect(doctor.stdout).toMatch(/^free space\s+0 B reclaimable \(auto_vacuum incremental\)$/m)
  }, 120_000)

  it("doctor exits 1 with one line on stderr when a full-text index no longer matches its content", async () => {
    const db = new Sqlite(url)
    try {
      db.prepare("INSERT INTO lessons_fts (rowid, title, summary, details) VALUES (?, ?, ?, ?)").run(987654, "ghost", "a row", "with no content row")
    } finally {
      db.close()
    }
    const [doctor, doctorJson] = await Promise.all([
      logbook(["doctor", "--database", url]),
      logbook(["doctor", "--database", url, "--json"])
    ])
    expect(doctor.code).toBe(1)
    expect(doctor.stdout).toMatch(/^search indexes\s+lessons_fts BROKEN, trajectories_fts ok$/m)
    expect(oneLineError(doctor)).toMatch(/^logbook: the database has problems: search index lessons_fts: /)
    expect(doctorJson.code).toBe(1)
    const report = JSON.parse(doctorJson.stdout)
    expect(report.ok).toBe(false)
    expect(report.searchIndexes.find((check: { table: string }) => check.table === "lessons_fts").ok).toBe(false)
  }, 120_000)

  it("progress bars draw only on a terminal, and are erased at the end", async () => {
    const written: Array<string> = []
    const terminal: ProgressTarget = { isTTY: true, columns: 100, write: (text) => written.push(text) }
    const pipe: ProgressTarget = { isTTY: false, write: (text) => written.push(text) }

    const result = await Effect.runPromise(
      withProgress("copying", 4, (progress) => Effect.as(Effect.forEach([1, 2, 3, 4], () => progress.advance(1)), "done"), pipe)
    )
    expect(result).toBe("done")
    expect(written).toEqual([])

    await Effect.runPromise(withProgress("copying", 4, (progress) => progress.advance(2), terminal))
    expect(written[0]).toBe("\rcopying [------------------------] 0% 0/4\u001b[K")
    expect(written.at(-1)).toBe("\r\u001b[K")

    written.length = 0
    const failed = await Effect.runPromise(Effect.either(withActivity("pruning", Effect.fail("boom"), terminal)))
    expect(failed._tag).toBe("Left")
    expect(written.at(-1)).toBe("\r\u001b[K")

    expect(renderProgress("export", 5, 10, 0)).toBe("export [############------------] 50% 5/10")
    expect(renderProgress("export", 12, 10, 0)).toBe("export [########################] 100% 10/10")
    expect(renderProgress("prune", 0, undefined, 0)).toBe(`prune [####${"-".repeat(20)}]`)
    expect(renderProgress("prune", 0, undefined, 20)).toBe(`prune [${"-".repeat(20)}####]`)
    expect(renderProgress("prune", 7, undefined, 3)).toMatch(/^prune \[[-#]{24}\] 7$/)
  })
})
