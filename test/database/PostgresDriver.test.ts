// @effect/sql-pg is an optional peer dependency: a SQLite user never loads it, and a
// postgres:// URL without it fails with a DatabaseError that says what to install.
import { describe, expect, it } from "@effect/vitest"
import { fileURLToPath } from "node:url"
import { runScript } from "../support/ChildProcess.js"

const blocker = fileURLToPath(new URL("fixtures/blockPostgresDriver.mjs", import.meta.url))

describe("the PostgreSQL driver", () => {
  it("is never imported for a SQLite database, and its absence is a clear error for a postgres:// URL", async () => {
    const result = await runScript("test/database/fixtures/withoutPostgresDriver.ts", [], {
      env: { NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --import ${blocker}`.trim() }
    })
    expect(result, result.stderr).toMatchObject({ code: 0 })
    const outcome: unknown = JSON.parse(result.stdout.trim())
    expect(outcome).toEqual({
      sqlite: { dialect: "sqlite" },
      postgres: { reason: "Connection", error: expect.stringContaining("npm install @effect/sql-pg") }
    })
  })
})
