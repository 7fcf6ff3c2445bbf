/**
 * The profile's tables: per pair, its cost per operation on each side and
 * the speed ratio, where the time goes by category, and the functions
 * with the most self time; then one summary line per pair.
 */
import type { PairFigures, Share } from "./measure.js"

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : String(Number(n.toPrecision(3))))

/** A plain-text table; the first `left` columns and the last one when `lastLeft` are left-aligned, the others right-aligned. */
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, left = 1, lastLeft = false): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const leftAligned = (i: number) => i < left || (lastLeft && i === header.length - 1)
  const line = (cells: ReadonlyArray<string>) =>
    "  " + cells.map((cell, i) => (leftAligned(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd()
  return [line(header), "  " + widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

const percent = (share: Share | undefined) => (share === undefined || share.percent === 0 ? "" : `${share.percent.toFixed(1)}%`)

/** The tables of one pair. */
export const printPair = (p: PairFigures, top: number) => {
  const { logbook: l, baseline: b } = p
  console.log(`\n=== ${p.workload}`)
  console.log(`    ${p.durability}; logbook: ${l.name}; baseline: ${b.name}`)
  console.log(`    speed ratio = baseline µs ÷ logbook µs (above 1: logbook faster); target ${p.target}\n`)
  console.log(table(
    [`per ${p.unit}`, "logbook", "baseline", "speed ratio"],
    [
      ["CPU µs, process user+sys (unprofiled run)", fmt(l.cpuUsPerOp), fmt(b.cpuUsPerOp), `${p.cpuSpeedRatio}×`],
      ["wall µs (unprofiled run)", fmt(l.wallUsPerOp), fmt(b.wallUsPerOp), `${p.wallSpeedRatio}×`],
      ["CPU µs, process user+sys (profiled run)", fmt(l.profiledCpuUsPerOp), fmt(b.profiledCpuUsPerOp), `${p.profiledCpuSpeedRatio}×`],
      [`${p.unit}s run (unprofiled / profiled)`, `${l.ops} / ${l.profiledOps}`, `${b.ops} / ${b.profiledOps}`, ""],
      ["samples busy / idle (profiled run)", `${l.busySamples} / ${l.idleSamples}`, `${b.busySamples} / ${b.idleSamples}`, ""]
    ]
  ))
  const names = [...new Set([...l.categories.map((c) => c.name), ...b.categories.map((c) => c.name)])]
  const find = (shares: ReadonlyArray<Share>, name: string) => shares.find((s) => s.name === name)
  console.log(`\n  where the time goes, by category of the frame on top of each busy sample (profiled run);`)
  console.log(`  µs = that share of the unprofiled CPU µs per ${p.unit}`)
  console.log(table(
    ["category", "logbook µs", "logbook %", "baseline µs", "baseline %"],
    names.map((name) => {
      const ls = find(l.categories, name)
      const bs = find(b.categories, name)
      return [name, ls === undefined ? "" : fmt(ls.usPerOp), percent(ls), bs === undefined ? "" : fmt(bs.usPerOp), percent(bs)]
    })
  ))
  const functions = (title: string, shares: ReadonlyArray<Share>, count: number) => {
    console.log(`\n  ${title}`)
    console.log(table(
      ["function (script:line)", "category", `µs/${p.unit}`, "%"],
      shares.slice(0, count).map((s) => [s.name, s.category ?? "", fmt(s.usPerOp), percent(s)]),
      2
    ))
  }
  console.log(`\n  the Effect runtime category of logbook by module of effect`)
  console.log(table(
    ["effect module", `µs/${p.unit}`, "% of busy"],
    l.effectModules.map((s) => [s.name, fmt(s.usPerOp), percent(s)])
  ))
  functions(`top ${top} self-time functions, logbook`, l.topFunctions, top)
  functions("top 5 self-time functions, baseline", b.topFunctions, 5)
}

/** One line per pair, its biggest logbook categories beside the ratio. */
export const printSummary = (pairs: ReadonlyArray<PairFigures>) => {
  console.log("\n=== summary: CPU per operation (process user+sys, unprofiled runs); speed ratio = baseline ÷ logbook (above 1: logbook faster)\n")
  for (const p of pairs) console.log(`  ${p.slug}: ${p.logbook.name} vs ${p.baseline.name}; ${p.durability}`)
  console.log("")
  console.log(table(
    ["workload", "logbook µs/op", "baseline µs/op", "speed ratio (CPU)", "speed ratio (wall)", "target", "logbook's biggest categories (share of busy samples)"],
    pairs.map((p) => [
      p.slug,
      fmt(p.logbook.cpuUsPerOp),
      fmt(p.baseline.cpuUsPerOp),
      `${p.cpuSpeedRatio}×`,
      `${p.wallSpeedRatio}×`,
      p.target,
      p.logbook.categories.slice(0, 4).map((c) => `${c.name} ${c.percent.toFixed(0)}%`).join("; ")
    ]),
    1,
    true
  ))
}
