/**
 * Exporting an audit trail holds memory flat: entries streamed to a file with
 * `exportStream`, measured in a fresh process (`bench/exportMemoryChild.ts`).
 * The 200,000-row measurement against a whole-document export is in
 * `bench/exportMemory.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createReadStream } from "node:fs"
import * as path from "node:path"
import { createInterface } from "node:readline"
import * as Schema from "effect/Schema"
import { AuditLog } from "../../src/AuditLog.js"
import { coreLayer } from "../../src/Core.js"
import { runScript } from "../support/ChildProcess.js"
import { tempDir } from "../support/TempDir.js"
import { exportEntry as entry } from "../support/AuditEntries.js"

const ROWS = 30_000
const TARGET = 64 * 1024 * 1024
const MB = 1024 * 1024


const Figures = Schema.parseJson(Schema.Struct({
  format: Schema.String,
  mode: Schema.String,
  seconds: Schema.Number,
  pieces: Schema.Number,
  fileBytes: Schema.Number,
  baselineRss: Schema.Number,
  baselineHeap: Schema.Number,
  rssGrowth: Schema.Number,
  heapGrowth: Schema.Number,
  retainedHeapGrowth: Schema.Number
}))

const script = path.join("bench", "exportMemoryChild.ts")

const measure = (database: string, format: "csv" | "jsonl" | "json", mode: "peak" | "retained" | "whole", out: string) =>
  Effect.gen(function*() {
    const result = yield* Effect.promise(() => runScript(script, [database, format, out, mode]))
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const figures = yield* Schema.decodeUnknown(Figures)(result.stdout.trim())
    const mb = (bytes: number) => Number((bytes / MB).toFixed(1))
    console.log(`exportStream ${format} ${mode}: ${JSON.stringify({
      rows: ROWS,
      seconds: Number(figures.seconds.toFixed(2)),
      fileMB: mb(figures.fileBytes),
      baselineRssMB: mb(figures.baselineRss),
      baselineHeapMB: mb(figures.baselineHeap),
      rssGrowthMB: mb(figures.rssGrowth),
      heapGrowthMB: mb(figures.heapGrowth),
      retainedHeapGrowthMB: mb(figures.retainedHeapGrowth)
    })}`)
    return figures
  }).pipe(Effect.orDie)

const countLines = (file: string) =>
  Effect.promise(async () => {
    let lines = 0
    for await (const _ of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines++
    return lines
  })

describe("AuditLog.exportStream memory", () => {
  it.scoped(`streams ${ROWS.toLocaleString("en")} rows to a file holding on to a small fraction of its size`, () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const database = path.join(dir, "audit.db")
      yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* audit.logMany(Array.from({ length: ROWS }, (_, i) => entry(i)))
      }).pipe(
        Effect.provide(AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: database, synchronous: "normal" })))),
        Effect.scoped
      )

      const jsonl = path.join(dir, "export.jsonl")
      const retained = yield* measure(database, "jsonl", "retained", jsonl)
      expect(yield* countLines(jsonl)).toBe(ROWS)
      // What the export holds on to: a small fraction of the file, not the document.
      expect(retained.retainedHeapGrowth).toBeLessThan(TARGET)
      expect(retained.retainedHeapGrowth).toBeLessThan(retained.fileBytes / 5)
    }), { timeout: 120_000 })
})
