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
