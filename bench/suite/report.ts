/**
 * The rows the suite measures, printed as tables and written as JSON.
 * Every row names its subject, the durability it ran at and, when it is
 * compared, the baseline measured in the same run and the ratio to it.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** One measured figure. */
export interface Row {
  readonly workload: string
  /** What was measured, e.g. `logbook StateStore.step`. */
  readonly subject: string
  /** Journal mode and `synchronous`, e.g. `WAL, sync=FULL (logbook default)`. */
  readonly durability: string
  /** The figure, e.g. `p50 µs`, `steps/s`. */
  readonly metric: string
  readonly value: number
  /** The subject this row is compared with, measured in the same run. */
  readonly versus?: string | undefined
  readonly versusValue?: number | undefined
  /** `value / versusValue`, or its inverse when a higher figure is better (see `better`). */
  readonly ratio?: number | undefined
  /** `lower` when a smaller figure is better (latencies), `higher` for rates. */
  readonly better: "lower" | "higher"
  /** The target for the ratio, when there is one. */
  readonly target?: string | undefined
}

const round = (n: number) => Number(n.toPrecision(4))

/**
 * A row compared with a baseline: the ratio reads as "times the baseline's
 * speed", so above 1 is faster than the baseline whatever the metric.
 */
export const compared = (
  row: Omit<Row, "ratio" | "versusValue" | "versus">,
  versus: string,
  versusValue: number
): Row => ({
  ...row,
  value: round(row.value),
  versus,
  versusValue: round(versusValue),
  ratio: round(row.better === "lower" ? versusValue / row.value : row.value / versusValue)
})

export const plain = (row: Omit<Row, "ratio" | "versusValue" | "versus">): Row => ({ ...row, value: round(row.value) })

const fmt = (n: number | undefined) =>
  n === undefined ? "" : Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : String(n)

const pad = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>) =>
  cells.map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")

/** A plain-text table. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)))
  return [pad(header, widths), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((row) => pad(row, widths))].join("\n")
}

/** The rows of one workload as a table: ratio > 1 means faster than the baseline named beside it. */
export const printRows = (workload: string, rows: ReadonlyArray<Row>) => {
  console.log(`\n${workload}`)
  console.log(table(
    ["subject", "durability", "metric", "value", "baseline (same run)", "baseline value", "speed ratio", "target"],
    rows.map((r) => [
      r.subject,
      r.durability,
      r.metric,
      fmt(r.value),
      r.versus ?? "",
      fmt(r.versusValue),
      r.ratio === undefined ? "" : `${r.ratio}×`,
      r.target ?? ""
    ])
  ))
}

/** The machine the figures were measured on. */
export const machine = () => {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2)))
  }
}

/** Writes the run to `bench/results/<quick|full>-latest.json` (and a dated copy when complete); returns the path written. */
export const writeResults = (
  directory: string,
  results: { readonly quick: boolean; readonly partial?: boolean; readonly [key: string]: unknown }
): string => {
  mkdirSync(directory, { recursive: true })
  const text = JSON.stringify(results, null, 2) + "\n"
  const latest = path.join(directory, `${results.quick ? "quick" : "full"}-latest.json`)
  writeFileSync(latest, text)
  if (results.partial === true) return latest
  const file = path.join(directory, `${results.quick ? "quick" : "full"}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`)
  writeFileSync(file, text)
  return file
}
