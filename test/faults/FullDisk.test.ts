import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { existsSync, readdirSync, rmSync } from "node:fs"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import { writeText } from "../../src/cli/TextOutput.js"
import * as Logbook from "../../src/Logbook.js"
import { keepingLogs, until } from "./Logs.js"
import { fill, tmpfs } from "./Tmpfs.js"

const PAD = "x".repeat(300)
const entry = (step: number) => ({ projectId: "full", action: `step-${step}`, category: "agent" as const, details: { step, pad: PAD } })

const storedSteps = (url: string): ReadonlyArray<number> => {
  const db = new Sqlite(url, { readonly: true })
  try {
    return db.prepare("SELECT DISTINCT json_extract(details, '$.step') AS step FROM audit_logs WHERE project_id = 'full' ORDER BY step")
      .all().map((row) => Number((row as { step: unknown }).step))
  } finally {
    db.close()
  }
}

const truncateWal = Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.orDie(sql.unsafe("PRAGMA wal_checkpoint(TRUNCATE)")))

describe("a really full disk (a 4 MB tmpfs)", () => {
  it.scopedLive.each([
    { label: "full", leave: 0, records: 3_000 },
    { label: "nearly full", leave: 256 * 1024, records: 300 }
  ])("$label: every record acknowledged by flush is stored once space is freed; logMany fails with Full", ({ leave, records }) =>
    Effect.gen(function*() {
      const dir = yield* tmpfs("4m")
      const url = path.join(dir, "full.db")
      const logs: Array<string> = []
      let filler = ""
      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* truncateWal
        filler = fill(dir, leave)
        if (leave === 0) {
          const failed = yield* Effect.exit(audit.logMany(Array.from({ length: 200 }, (_, i) => entry(-1 - i))))
          expect(Exit.isFailure(failed) && failed.cause._tag === "Fail" ? failed.cause.error : failed).toMatchObject({
            _tag: "DatabaseError",
            reason: "Full",
            operation: "AuditLog.logMany"
          })
        }
        for (let step = 1; step <= records; step++) yield* audit.record(entry(step))
        const flushing = yield* Effect.fork(Logbook.flush)
        yield* until(() => flushing.unsafePoll() !== null || logs.some((line) => /kept in memory/.test(line)))
        rmSync(filler)
        yield* Fiber.join(flushing)
      }).pipe(Effect.provide(Logbook.layer({ url })), keepingLogs(logs))
      if (leave === 0) expect(logs.some((line) => /kept in memory/.test(line))).toBe(true)
      // A later process replays whatever is left in a spool.
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      const found = storedSteps(url)
      console.log(`full disk (${leave} bytes left): ${records} acknowledged by flush, ${found.length} found`)
      expect(found).toEqual(Array.from({ length: records }, (_, i) => i + 1))
    }), 120_000)

  it.scopedLive("an export cut short by a full disk fails and leaves no file behind", () =>
    Effect.gen(function*() {
      const dir = yield* tmpfs("4m")
      fill(dir, 100 * 1024)
      const target = path.join(dir, "export.jsonl")
      const piece = `${"y".repeat(199_999)}\n`
      const exit = yield* Effect.exit(writeText(target, Stream.make(piece)))
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(existsSync(target)).toBe(false)
      expect(readdirSync(dir).filter((name) => name.startsWith("export"))).toEqual([])
    }))
})
