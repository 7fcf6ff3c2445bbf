/**
 * CPU time of processes, from /proc (Linux; 10 ms ticks): a process's own,
 * and that of the browser this process launched (every descendant whose
 * name says Chromium).
 */
import { readdirSync, readFileSync } from "node:fs"

const CLOCK_TICK_MS = 10

interface Stat {
  readonly pid: number
  readonly name: string
  readonly parent: number
  readonly cpuMs: number
}

const statOf = (pid: number): Stat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8")
    const close = text.lastIndexOf(")")
    // After the name: state, ppid, ... utime and stime are the 12th and 13th fields.
    const fields = text.slice(close + 2).split(" ")
    return {
      pid,
      name: text.slice(text.indexOf("(") + 1, close),
      parent: Number(fields[1]),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS
    }
  } catch {
    // The process ended between the listing and the read.
    return undefined
  }
}

/** User + system CPU time of `pid` so far, in ms. */
export const processCpuMs = (pid: number): number => statOf(pid)?.cpuMs ?? 0

/** User + system CPU time so far of the Chromium processes descended from this one, in ms. */
export const browserCpuMs = (): number => {
  const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map((name) => statOf(Number(name)))
  const children = new Map<number, Array<Stat>>()
  for (const stat of all) if (stat !== undefined) children.set(stat.parent, [...(children.get(stat.parent) ?? []), stat])
  let total = 0
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (/chrom/i.test(child.name)) total += child.cpuMs
      visit(child.pid)
    }
  }
  visit(process.pid)
  return total
}

/** Time a thread has run, and waited runnable for a CPU, in ms (from /proc/PID/schedstat, ns resolution). */
export interface Scheduled {
  readonly cpuMs: number
  readonly waitMs: number
}

const scheduledOf = (pid: number): Scheduled | undefined => {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")
    return { cpuMs: Number(cpu) / 1e6, waitMs: Number(wait) / 1e6 }
  } catch {
    return undefined
  }
}

/** The main thread of `pid`: its time on a CPU and in the run queue so far. */
export const mainThread = (pid: number): Scheduled => scheduledOf(pid) ?? { cpuMs: 0, waitMs: 0 }

/** The main threads of the Chromium renderers descended from this process, by pid. */
export const rendererThreads = (): Map<number, Scheduled> => {
  const found = new Map<number, Scheduled>()
  const pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number)
  const parents = new Map(pids.map((pid) => [pid, statOf(pid)?.parent ?? 0] as const))
  const descends = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) if (at === process.pid) return true
    return false
  }
  for (const pid of pids) {
    if (!descends(pid)) continue
    let command = ""
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8")
    } catch {
      continue
    }
    if (!command.includes("--type=renderer")) continue
    const scheduled = scheduledOf(pid)
    if (scheduled !== undefined) found.set(pid, scheduled)
  }
  return found
}

/**
 * What the busiest renderer alive at `after` (the page's own) did since
 * `before`; a renderer started in between counts from zero.
 */
export const rendererDelta = (before: Map<number, Scheduled>, after: Map<number, Scheduled>): Scheduled => {
  let busiest: Scheduled = { cpuMs: 0, waitMs: 0 }
  for (const [pid, now] of after) {
    const then = before.get(pid) ?? { cpuMs: 0, waitMs: 0 }
    const delta = { cpuMs: now.cpuMs - then.cpuMs, waitMs: now.waitMs - then.waitMs }
    if (delta.cpuMs > busiest.cpuMs) busiest = delta
  }
  return busiest
}

/** The share of the last 10 s in which some runnable task waited for a CPU (Linux PSI), in percent; null without PSI. */
export const cpuPressure = (): number | null => {
  try {
    const found = /some avg10=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"))
    return found === null ? null : Number(found[1])
  } catch {
    return null
  }
}
