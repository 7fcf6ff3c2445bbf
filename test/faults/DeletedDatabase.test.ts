import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { existsSync, rmSync } from "node:fs"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import * as Logbook from "../../src/Logbook.js"
import { tempDir } from "../support/TempDir.js"
import { keepingLogs } from "./Logs.js"

const RECORDS = 100

const stepsOf = (url: string, projectId: string): ReadonlyArray<number> => {
  const db = new Sqlite(url, { readonly: true })
  try {
    return db.prepare("SELECT json_extract(details, '$.step') AS step FROM audit_logs WHERE project_id = ? ORDER BY id")
      .all(projectId).map((row) => Number((row as { step: unknown }).step))
  } finally {
    db.close()
  }
}

describe("the database file deleted under a writer", () => {
  it.scopedLive("rm of the file is detected at the next batch: reported, the connection reopened, records spooled and then stored", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "vanishing.db")
      const logs: Array<string> = []
      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        for (let step = 1; step <= RECORDS; step++) yield* audit.record({ projectId: "before", action: "a", category: "agent", details: { step } })
        yield* Logbook.flush
        rmSync(url)
        for (let step = 1; step <= RECORDS; step++) yield* audit.record({ projectId: "after", action: "a", category: "agent", details: { step } })
        yield* Logbook.flush
        expect(existsSync(url)).toBe(true)
        // Durable calls work on the reopened database too.
        yield* audit.log({ projectId: "after", action: "durable", category: "agent", details: { step: 0 } })
      }).pipe(Effect.provide(Logbook.layer({ url })), keepingLogs(logs))
      expect(logs.some((line) => /deleted or replaced/.test(line))).toBe(true)
      const found = stepsOf(url, "after").filter((step) => step > 0)
      console.log(`database deleted under a writer: ${RECORDS} acknowledged after the rm, ${found.length} found`)
      expect(found).toEqual(Array.from({ length: RECORDS }, (_, i) => i + 1))
    }), 60_000)
})
