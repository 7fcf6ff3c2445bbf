/**
 * Measures a pair: each side warmed up, run once without the profiler
 * (CPU and wall time per operation) and once under it (where the time
 * goes), its profile written to `profileDirectory`.
 */
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { attribute, IDLE, PROFILER } from "./categories.js"
import { profiled, timed } from "./cpuProfile.js"
import type { Pair, Side } from "./Pair.js"

const round = (n: number) => Number(n.toPrecision(4))

/** A category's or a function's share of one side's time. */
export interface Share {
  readonly name: string
  readonly category?: string
  /** Share of the busy samples (idle and the profiler's own left out), %. */
  readonly percent: number
  /** That share of the CPU time per operation of the unprofiled run, µs. */
  readonly usPerOp: number
}

/** The figures of one side. */
export interface SideFigures {
  readonly name: string
  /** Unprofiled run. */
  readonly ops: number
  readonly cpuUsPerOp: number
  readonly wallUsPerOp: number
  /** Profiled run. */
  readonly profiledOps: number
  readonly profiledCpuUsPerOp: number
  /** Samples of the profiled run: busy ones (idle and the profiler's own left out) and idle ones. */
  readonly busySamples: number
  readonly idleSamples: number
  readonly categories: ReadonlyArray<Share>
  readonly topFunctions: ReadonlyArray<Share>
  /** The Effect runtime category by module of effect, biggest first. */
  readonly effectModules: ReadonlyArray<Share>
  readonly cpuprofile: string
}

/** A pair's figures; ratios read as "times the baseline's speed" (baseline µs/op ÷ logbook µs/op). */
export interface PairFigures {
  readonly slug: string
  readonly workload: string
  readonly unit: string
  readonly durability: string
  readonly target: string
  readonly logbook: SideFigures
  readonly baseline: SideFigures
  readonly cpuSpeedRatio: number
  readonly wallSpeedRatio: number
  /** From the CPU time of the profiled runs. */
  readonly profiledCpuSpeedRatio: number
}

const side = async (
  pairSlug: string,
  which: "logbook" | "baseline",
  subject: Side,
  budgetMs: number,
  intervalUs: number,
  profileDirectory: string
): Promise<SideFigures> => {
  await subject.loop(Math.min(500, budgetMs / 2))
  const plain = await timed(subject.loop, budgetMs)
  const run = await profiled(subject.loop, budgetMs, intervalUs)
  const file = path.join(profileDirectory, `${pairSlug}-${which}.cpuprofile`)
  writeFileSync(file, JSON.stringify(run.profile))
  const { categories, effectModules, functions, samples } = attribute(run.profile)
  const idleSamples = categories.get(IDLE) ?? 0
  const busySamples = samples - idleSamples - (categories.get(PROFILER) ?? 0)
  const cpuUsPerOp = plain.cpuUs / plain.ops
  const share = (name: string, count: number, category?: string): Share => {
    const fraction = busySamples === 0 ? 0 : count / busySamples
    return { name, ...(category === undefined ? {} : { category }), percent: round(100 * fraction), usPerOp: round(fraction * cpuUsPerOp) }
  }
  const busy = (name: string) => name !== IDLE && name !== PROFILER && name !== "(root)"
  return {
    name: subject.name,
    ops: plain.ops,
    cpuUsPerOp: round(cpuUsPerOp),
    wallUsPerOp: round(plain.wallUs / plain.ops),
    profiledOps: run.ops,
    profiledCpuUsPerOp: round(run.cpuUs / run.ops),
    busySamples,
    idleSamples,
    categories: [...categories].filter(([name]) => busy(name)).sort((a, b) => b[1] - a[1]).map(([name, count]) => share(name, count)),
    topFunctions: functions.filter((f) => busy(f.category)).sort((a, b) => b.samples - a.samples).slice(0, 15)
      .map((f) => share(f.name, f.samples, f.category)),
    effectModules: [...effectModules].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([name, count]) => share(name, count)),
    cpuprofile: path.relative(process.cwd(), file)
  }
}

/** Measures both sides of `pair`, logbook first. */
export const measurePair = async (pair: Pair, budgetMs: number, intervalUs: number, profileDirectory: string): Promise<PairFigures> => {
  const logbook = await side(pair.slug, "logbook", pair.logbook, budgetMs, intervalUs, profileDirectory)
  const baseline = await side(pair.slug, "baseline", pair.baseline, budgetMs, intervalUs, profileDirectory)
  return {
    slug: pair.slug,
    workload: pair.workload,
    unit: pair.unit,
    durability: pair.durability,
    target: pair.target,
    logbook,
    baseline,
    cpuSpeedRatio: round(baseline.cpuUsPerOp / logbook.cpuUsPerOp),
    wallSpeedRatio: round(baseline.wallUsPerOp / logbook.wallUsPerOp),
    profiledCpuSpeedRatio: round(baseline.profiledCpuUsPerOp / logbook.profiledCpuUsPerOp)
  }
}
