import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import * as Logbook from "../../src/Logbook.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { tempDir } from "../support/TempDir.js"
import { until } from "./Logs.js"

/** 8 trials keep the suite fast; `LOGBOOK_RELEASE_TRIALS=100` runs the full acceptance run (about 8 minutes on a loaded machine). */
const TRIALS = Number(process.env.LOGBOOK_RELEASE_TRIALS ?? 8)

const foundSteps = (url: string): Map<number, Array<number>> => {
  const db = new Sqlite(url, { readonly: true })
  try {
    const rows = db.prepare(
      "SELECT json_extract(details, '$.trial') AS trial, json_extract(details, '$.n') AS n FROM audit_logs WHERE project_id = 'release'"
    ).all() as Array<{ trial: number; n: number }>
    const byTrial = new Map<number, Array<number>>()
    for (const row of rows) byTrial.set(row.trial, [...(byTrial.get(row.trial) ?? []), row.n])
    return byTrial
  } finally {
    db.close()
  }
}

describe("the layer released while a fiber records", () => {
  it.scopedLive(`${TRIALS} trials: every record whose call returned is stored exactly once (those after release by the next start)`, () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "release.db")
      const acknowledged: Array<number> = []
      for (let trial = 0; trial < TRIALS; trial++) {
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(Logbook.layer({ url }), scope)
        const audit = Context.get(context, AuditLog)
        acknowledged[trial] = 0
        const recorder = yield* Effect.forkDaemon(Effect.gen(function*() {
          for (let n = 1;; n++) {
            yield* audit.record({ projectId: "release", action: "tick", category: "agent", details: { trial, n } })
            acknowledged[trial] = n
            if (n % 25 === 0) yield* Effect.sleep("1 millis")
          }
        }))
        yield* Effect.sleep(Math.floor(Math.random() * 20))
        yield* Scope.close(scope, Exit.void)
        const atRelease = acknowledged[trial]!
        yield* until(() => acknowledged[trial]! >= atRelease + 2)
        yield* Fiber.interrupt(recorder)
      }
      yield* Logbook.flush.pipe(Effect.provide(Logbook.layer({ url })))
      const found = foundSteps(url)
      let lost = 0
      let duplicated = 0
      for (let trial = 0; trial < TRIALS; trial++) {
        const steps = found.get(trial) ?? []
        const distinct = new Set(steps)
        duplicated += steps.length - distinct.size
        for (let n = 1; n <= acknowledged[trial]!; n++) if (!distinct.has(n)) lost++
      }
      const total = acknowledged.reduce((sum, n) => sum + n, 0)
      console.log(`release under a recording fiber: ${TRIALS} trials, ${total} acknowledged, ${total - lost} found, ${lost} lost, ${duplicated} duplicated`)
      expect(lost).toBe(0)
      expect(duplicated).toBe(0)
      expect(spoolFiles(url)).toEqual([])
    }), 900_000)
})
