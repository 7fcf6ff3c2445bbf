/**
 * `node --import tsx bench/exportMemory.ts`: the memory of exporting a large
 * audit trail. 200,000 entries (`LOGBOOK_BENCH_EXPORT_ROWS`) are streamed to
 * a file with `exportStream`, each measurement in a fresh process
 * (`exportMemoryChild.ts`), and compared with the same export built as one
 * string first, measured in the same run. Prints the figures and ratios.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { AuditLog } from "../src/AuditLog.js"
import { coreLayer } from "../src/Core.js"
import { exportEntry as entry } from "../test/support/AuditEntries.js"

const ROWS = Number(process.env.LOGBOOK_BENCH_EXPORT_ROWS ?? 200_000)
const MB = 1024 * 1024
const child = fileURLToPath(new URL("./exportMemoryChild.ts", import.meta.url))


interface Figures {
  readonly seconds: number
  readonly fileBytes: number
  readonly rssGrowth: number
  readonly heapGrowth: number
  readonly retainedHeapGrowth: number
}

const measure = (database: string, format: string, mode: string, out: string): Figures => {
  const result = spawnSync(process.execPath, ["--import", "tsx", child, database, format, out, mode], { encoding: "utf8" })
  if (result.status !== 0) throw new Error(`export ${format} ${mode} failed: ${result.stderr}`)
  return JSON.parse(result.stdout.trim())
}

const mb = (bytes: number) => Number((bytes / MB).toFixed(1))

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-export-"))
  try {
    const database = path.join(dir, "audit.db")
    await Effect.runPromise(Effect.gen(function*() {
      const audit = yield* AuditLog
      for (let start = 0; start < ROWS; start += 20_000) {
        yield* audit.logMany(Array.from({ length: Math.min(20_000, ROWS - start) }, (_, i) => entry(start + i)))
      }
    }).pipe(
      Effect.provide(AuditLog.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayer({ url: database, synchronous: "normal" })))),
      Effect.scoped
    ))
    const runs = {
      jsonlRetained: measure(database, "jsonl", "retained", path.join(dir, "a.jsonl")),
      jsonlPeak: measure(database, "jsonl", "peak", path.join(dir, "b.jsonl")),
      csvPeak: measure(database, "csv", "peak", path.join(dir, "c.csv")),
      jsonlWhole: measure(database, "jsonl", "whole", path.join(dir, "d.jsonl"))
    }
    for (const [name, f] of Object.entries(runs)) {
      console.log(`${name.padEnd(14)} ${f.seconds.toFixed(2)} s  file ${mb(f.fileBytes)} MB  rss +${mb(f.rssGrowth)} MB  heap +${
        mb(f.heapGrowth)
      } MB  retained +${mb(f.retainedHeapGrowth)} MB`)
    }
    const ratio = (a: number, b: number) => (a / b).toFixed(3)
    console.log(`rows ${ROWS}`)
    console.log(`streamed/whole rss growth: jsonl ${ratio(runs.jsonlPeak.rssGrowth, runs.jsonlWhole.rssGrowth)}, csv ${
      ratio(runs.csvPeak.rssGrowth, runs.jsonlWhole.rssGrowth)
    }`)
    console.log(`retained heap / file size: ${ratio(runs.jsonlRetained.retainedHeapGrowth, runs.jsonlRetained.fileBytes)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
