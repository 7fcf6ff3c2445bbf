/**
 * What a new user meets first: read commands that never create nor migrate a
 * database, every setting validated, user migrations in their own version
 * space, usage errors as one named line, help without colour codes off a
 * terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import type { ChildResult } from "../support/ChildProcess.js"
import { logbook } from "../support/Cli.js"

const oneLine = (result: ChildResult) => {
  expect(result.stderr.startsWith("\n")).toBe(false)
  const lines = result.stderr.trimEnd().split("\n")
  expect(lines).toHaveLength(1)
  return lines[0]!
}

describe("logbook on first use", () => {
  let dir = ""
  let demo = ""

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "logbook-first-use-"))
    demo = path.join(dir, "demo.db")
    const seeded = await logbook(["demo", "--database", demo])
    expect(seeded.code, seeded.stderr).toBe(0)
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("read commands never create a database: a missing one is one line saying to run logbook migrate", async () => {
    const missing = path.join(dir, "nosuch.db")
    for (const args of [["stats"], ["audit", "query"], ["lessons", "search", "x"], ["trajectories", "list"], ["doctor"], ["backup", path.join(dir, "b.db")]]) {
      const result = await logbook([...args, "--database", missing])
      expect(result.code, args.join(" ")).toBe(1)
      expect(oneLine(result)).toBe(`logbook: no database at ${missing}: run \`logbook migrate\` to create it (or \`logbook demo\` to try logbook)`)
    }
    expect(existsSync(missing)).toBe(false)
  }, 60_000)

  it("after a rollback, a read command says to migrate instead of migrating again", async () => {
    const url = path.join(dir, "rolled.db")
    expect((await logbook(["migrate", "--database", url])).code).toBe(0)
    expect((await logbook(["rollback", "--database", url])).code).toBe(0)
    const query = await logbook(["audit", "query", "--database", url])
    expect(query.code).toBe(1)
    expect(oneLine(query)).toMatch(/^logbook: .*pending.*: run `logbook migrate` first$/)
    const status = await logbook(["status", "--database", url])
    expect(status.code).toBe(1)
    expect(status.stdout).toMatch(/pending/)
  }, 60_000)

  it("LOGBOOK_MIGRATE is validated and honoured; --database with a URL scheme other than file: is refused", async () => {
    const bogus = await logbook(["demo", "--database", path.join(dir, "bogus.db")], { env: { LOGBOOK_MIGRATE: "bogus" } })
    expect(bogus.code).toBe(2)
    expect(oneLine(bogus)).toBe(`logbook: LOGBOOK_MIGRATE: expected apply, verify or off, got "bogus"`)
    expect(existsSync(path.join(dir, "bogus.db"))).toBe(false)

    const verifyOnly = await logbook(["demo", "--database", path.join(dir, "fresh.db")], { env: { LOGBOOK_MIGRATE: "verify" } })
    expect(verifyOnly.code).toBe(1)
    expect(oneLine(verifyOnly)).toMatch(/run `logbook migrate` first$/)

    const cwd = process.cwd()
    const http = await logbook(["stats", "--database", "http://example.com/x.db"])
    expect(http.code).toBe(2)
    expect(oneLine(http)).toBe(`logbook: --database: unsupported URL "http://example.com/x.db": use a file path, :memory: or file:...`)
    expect(existsSync(path.join(cwd, "http:"))).toBe(false)
    const fromEnv = await logbook(["stats"], { env: { LOGBOOK_DATABASE_URL: "https://example.com/x.db" } })
    expect(fromEnv.code).toBe(2)
  }, 60_000)

  it("--migrations must name an existing folder, on every command that checks migrations (doctor too)", async () => {
    const nope = path.join(dir, "nope")
    for (const command of ["migrate", "status", "verify", "doctor", "stats"]) {
      const result = await logbook([command, "--database", demo, "--migrations", nope])
      expect(result.code, command).toBe(2)
      expect(oneLine(result)).toMatch(/^logbook: .*nope/)
    }
  }, 60_000)

  it("logbook new numbers user migrations from 1000; a lower user version is refused with the reason; doctor takes --migrations", async () => {
    const url = path.join(dir, "user.db")
    const folder = path.join(dir, "mig")
    const first = await logbook(["new", "add_widgets", "--dir", folder, "--json"])
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ version: 1000, file: path.join(folder, "1000_add_widgets.sql") })
    const second = await logbook(["new", "add_gadgets", "--dir", folder, "--json"])
    expect(JSON.parse(second.stdout).version).toBe(1001)
    writeFileSync(path.join(folder, "1000_add_widgets.sql"), "-- migrate:up\nCREATE TABLE widgets (id INTEGER);\n-- migrate:down\nDROP TABLE widgets;\n")
    writeFileSync(path.join(folder, "1001_add_gadgets.sql"), "-- migrate:up\nCREATE TABLE gadgets (id INTEGER);\n-- migrate:down\nDROP TABLE gadgets;\n")
    expect((await logbook(["migrate", "--database", url, "--migrations", folder])).code).toBe(0)

    const doctor = await logbook(["doctor", "--database", url, "--migrations", folder, "--json"])
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0)
    expect(JSON.parse(doctor.stdout).migrations.pending).toEqual([])

    const low = path.join(dir, "low")
    mkdirSync(low)
    writeFileSync(path.join(low, "0001_add_things.sql"), "-- migrate:up\nCREATE TABLE things (id INTEGER);\n")
    const refused = await logbook(["migrate", "--database", url, "--migrations", low])
    expect(refused.code).toBe(1)
    expect(oneLine(refused)).toMatch(/^logbook: MigrationError \(BadFile\): .*0001_add_things\.sql: user migrations are numbered from 1000/)
  }, 60_000)

  it("prune --archive with nothing to prune leaves a valid, empty gzip file", async () => {
    const archive = path.join(dir, "empty.jsonl.gz")
    const result = await logbook(["prune", "--older-than", "3650d", "--archive", archive, "--database", demo])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^pruned 0 rows/)
    if (existsSync(archive)) {
      expect(statSync(archive).size).toBeGreaterThan(0)
      expect(gunzipSync(readFileSync(archive)).length).toBe(0)
    }
  }, 60_000)

  it("usage errors exit 2 with one line naming the option, in plain English", async () => {
    const notInteger = await logbook(["traces", "list", "--project", "p", "--limit", "abc", "--database", demo])
    expect(notInteger.code).toBe(2)
    expect(oneLine(notInteger)).toBe(`logbook: --limit: expected an integer, got "abc"`)
    const badChoice = await logbook(["audit", "query", "--format", "xml", "--database", demo])
    expect(badChoice.code).toBe(2)
    expect(oneLine(badChoice)).toBe(`logbook: --format: expected json, jsonl or csv, got "xml"`)
    const missing = await logbook(["traces", "list", "--database", demo])
    expect(missing.code).toBe(2)
    expect(oneLine(missing)).toMatch(/^logbook: .*--project/)
    const unknown = await logbook(["frobnicate"])
    expect(unknown.code).toBe(2)
    expect(oneLine(unknown)).toMatch(/^logbook: /)
  }, 60_000)

  it("--json with --format csv to stdout is refused as contradictory; with --out it prints the summary as JSON", async () => {
    const both = await logbook(["audit", "export", "--json", "--format", "csv", "--database", demo])
    expect(both.code).toBe(2)
    expect(both.stdout).toBe("")
    expect(oneLine(both)).toMatch(/^logbook: --json and --format csv contradict each other/)
    const out = path.join(dir, "audit.csv")
    const summary = await logbook(["audit", "export", "--json", "--format", "csv", "--out", out, "--database", demo])
    expect(summary.code, summary.stderr).toBe(0)
    expect(JSON.parse(summary.stdout)).toMatchObject({ format: "csv" })
  }, 60_000)

  it("help carries no colour codes when piped or with NO_COLOR; optional flags read as optional", async () => {
    const piped = await logbook(["audit", "query", "--help"])
    expect(piped.code).toBe(0)
    expect(piped.stdout).not.toMatch(/\u001b\[/)
    const noColor = await logbook(["--help"], { tty: true, env: { NO_COLOR: "1" } })
    expect(noColor.stdout).not.toMatch(/\u001b\[/)
    const terminal = await logbook(["--help"], { tty: true })
    expect(terminal.stdout).toMatch(/\u001b\[/)
    expect(piped.stdout).toMatch(/--project text[^]*optional/)
  }, 60_000)

  it("the demo's next steps are commands a user can type after npm install; stats prints costs rounded", async () => {
    const again = await logbook(["demo", "--database", path.join(dir, "demo2.db")])
    expect(again.code, again.stderr).toBe(0)
    const explore = again.stdout.slice(again.stdout.indexOf("Explore:"))
    const lines = explore.split("\n").slice(1).filter((line) => line.trim() !== "")
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((line) => line.trim().startsWith("npx logbook "))).toBe(true)
    const stats = await logbook(["stats", "--json", "--database", demo])
    expect(stats.code, stats.stderr).toBe(0)
    const costUsd: number = JSON.parse(stats.stdout).costUsd
    expect(String(costUsd)).toBe(Number(costUsd.toFixed(9)).toString())
    expect(String(costUsd).length).toBeLessThan(12)
  }, 60_000)
})
