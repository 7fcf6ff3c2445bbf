/**
 * The V8 CPU profiler, in this process (node:inspector): a loop runs under
 * `Profiler.start`/`stop` and comes back with its profile, the process CPU
 * time (user + system, every thread) and the wall time it took.
 */
import { Session } from "node:inspector"
import type { Profiler } from "node:inspector"

const post = <T>(session: Session, method: string, params?: object): Promise<T> =>
  new Promise((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error === null ? resolve(result as T) : reject(error)))
  )

/** One profiled run of a loop. */
export interface Profiled {
  readonly profile: Profiler.Profile
  /** Operations the loop did. */
  readonly ops: number
  /** Process CPU time (user + system) while profiling, µs. */
  readonly cpuUs: number
  /** Wall time while profiling, µs. */
  readonly wallUs: number
}

/** The figures of one unprofiled run of a loop. */
export interface Timed {
  readonly ops: number
  readonly cpuUs: number
  readonly wallUs: number
}

/** A measured loop: runs operations until `budgetMs` of wall time has passed, returns how many it ran. */
export type Loop = (budgetMs: number) => Promise<number>

/** Runs `loop` without the profiler, timing it. */
export const timed = async (loop: Loop, budgetMs: number): Promise<Timed> => {
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  const ops = await loop(budgetMs)
  const wallUs = (performance.now() - t0) * 1_000
  const used = process.cpuUsage(cpu)
  return { ops, cpuUs: used.user + used.system, wallUs }
}

/** Runs `loop` under the CPU profiler, sampling every `intervalUs`. */
export const profiled = async (loop: Loop, budgetMs: number, intervalUs: number): Promise<Profiled> => {
  const session = new Session()
  session.connect()
  try {
    await post(session, "Profiler.enable")
    await post(session, "Profiler.setSamplingInterval", { interval: intervalUs })
    await post(session, "Profiler.start")
    const cpu = process.cpuUsage()
    const t0 = performance.now()
    const ops = await loop(budgetMs)
    const wallUs = (performance.now() - t0) * 1_000
    const used = process.cpuUsage(cpu)
    const { profile } = await post<{ profile: Profiler.Profile }>(session, "Profiler.stop")
    await post(session, "Profiler.disable")
    return { profile, ops, cpuUs: used.user + used.system, wallUs }
  } finally {
    session.disconnect()
  }
}

/** A loop of `op`, awaited one after the other, until the budget is spent (checked every `every` ops). */
export const loopOf = (op: () => Promise<unknown>, every = 1): Loop => async (budgetMs) => {
  const end = performance.now() + budgetMs
  let ops = 0
  do {
    for (let i = 0; i < every; i++) await op()
    ops += every
  } while (performance.now() < end)
  return ops
}

/** A loop of a synchronous `op` (the raw driver), until the budget is spent (checked every `every` ops). */
export const syncLoopOf = (op: () => unknown, every = 1): Loop => async (budgetMs) => {
  const end = performance.now() + budgetMs
  let ops = 0
  do {
    for (let i = 0; i < every; i++) op()
    ops += every
  } while (performance.now() < end)
  return ops
}
