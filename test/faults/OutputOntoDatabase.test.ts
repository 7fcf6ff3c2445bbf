import { describe, expect, it } from "@effect/vitest"
import Sqlite from "better-sqlite3"
import * as Effect from "effect/Effect"
import { linkSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { AuditLog } from "../../src/AuditLog.js"
import * as Logbook from "../../src/Logbook.js"
import * as Maintenance from "../../src/Maintenance.js"
import { checkOutputPath } from "../../src/maintenance/OutputPath.js"
import { spoolFiles } from "../../src/writeBehind/Spool.js"
import { logbook } from "../support/Cli.js"
import { tempDir } from "../support/TempDir.js"

const countAudit = (url: string) => {
  const db = new Sqlite(url, { readonly: true })
  try {
    return Number((db.prepare("SELECT count(*) AS n FROM audit_logs").get() as { n: number }).n)
  } finally {
    db.close()
  }
}

describe("no output path may be the database or one of its files", () => {
  it.scopedLive("the database, its -wal, -shm and spool, by path, symlink (dangling too) or hard link, are refused; other paths pass", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "guarded.db")
      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* audit.log({ projectId: "p", action: "a", category: "agent" })
        symlinkSync(url, path.join(dir, "link.db"))
        symlinkSync(`${url}-wal`, path.join(dir, "link-wal"))
        symlinkSync(path.join(dir, "link-wal"), path.join(dir, "link-to-link"))
        symlinkSync(`${url}-journal`, path.join(dir, "dangling"))
        linkSync(url, path.join(dir, "hard.db"))
        const refused = [url, `${url}-wal`, `${url}-shm`, "link.db", "link-wal", "link-to-link", "dangling", "hard.db"]
          .map((name) => path.resolve(dir, name))
        for (const output of refused) {
          const error = yield* Effect.flip(checkOutputPath(output, url, "--out"))
          expect(error).toMatchObject({ _tag: "ValidationError" })
        }
        expect(yield* checkOutputPath(path.join(dir, "export.jsonl"), url)).toBe(path.join(dir, "export.jsonl"))
        const backupError = yield* Effect.flip(Maintenance.backup(path.join(dir, "link.db")))
        expect(backupError).toMatchObject({ _tag: "ValidationError" })
        yield* Maintenance.backup(path.join(dir, "copy.db"))
      }).pipe(Effect.provide(Logbook.layer({ url })))
      const spool = `${url}.spool-left-by-a-dead-process.jsonl`
      writeFileSync(spool, "")
      expect(spoolFiles(url)).toEqual([spool])
      expect(yield* Effect.flip(checkOutputPath(spool, url))).toMatchObject({ _tag: "ValidationError" })
      expect(countAudit(url)).toBe(1)
      expect(countAudit(path.join(dir, "copy.db"))).toBe(1)
    }))

  it.scopedLive("the CLI refuses audit export --out, prune --archive and backup onto the database or a symlink to it (exit 1, nothing written)", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const url = path.join(dir, "cli.db")
      yield* Effect.flatMap(AuditLog, (audit) => audit.log({ projectId: "p", action: "a", category: "agent" })).pipe(
        Effect.provide(Logbook.layer({ url }))
      )
      symlinkSync(url, path.join(dir, "link.db"))
      const before = readFileSync(url)
      const runs = yield* Effect.promise(() =>
        Promise.all([
          logbook(["audit", "export", "--out", url, "--database", url]),
          logbook(["audit", "export", "--out", path.join(dir, "link.db"), "--database", url]),
          logbook(["prune", "--older-than", "0d", "--archive", path.join(dir, "link.db"), "--database", url]),
          logbook(["backup", path.join(dir, "link.db"), "--database", url])
        ])
      )
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(1)
        expect(run.stderr.trim().split("\n")).toHaveLength(1)
      }
      expect(readFileSync(url).equals(before)).toBe(true)
      expect(countAudit(url)).toBe(1)
    }), 400_000)
})
