/**
 * Workload 2, one workflow: a step (`StateStore.step`, the move to a new
 * state with its ~2 KB context and a checkpoint, one transaction) against
 * LangGraph `SqliteSaver.put`, and a resume (`StateStore.current`) against
 * `SqliteSaver.getTuple`, on a task with `history` steps behind it; WAL and
 * `synchronous = NORMAL` on both. LangGraph is the suite's own subject
 * (bench/suite/workflow.ts); undefined pairs are left out when the peer is
 * not installed.
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { contextAt, langGraph, stateAt } from "../suite/workflow.js"
import { loopOf } from "./cpuProfile.js"
import type { Built } from "./dist.js"
import type { Pair, Workloads } from "./Pair.js"

const TASK = "solo"

export const workflowWorkloads = async (lib: Built, file: (name: string) => string, history: number): Promise<Workloads> => {
  const runtime = ManagedRuntime.make(lib.Logbook.layer({ url: file("workflow-logbook"), synchronous: "normal" }))
  const pragma = (level: string) =>
    runtime.runPromise(Effect.flatMap(lib.Database, ({ sql }) => sql.unsafe(`PRAGMA synchronous = ${level}`)))
  let logbookSteps = 0
  const step = () =>
    runtime.runPromise(Effect.flatMap(lib.StateStore, (store) => {
      const n = logbookSteps++
      return n === 0
        ? store.save({ taskId: TASK, projectId: "bench", state: stateAt(0), context: contextAt(0), history: [] })
        : Effect.asVoid(store.step(TASK, { to: stateAt(n), event: "NEXT", context: contextAt(n), checkpoint: {} }))
    }))
  const current = () =>
    runtime.runPromise(Effect.flatMap(lib.StateStore, (store) => store.current(TASK))).then((state) => {
      if (Option.isNone(state)) throw new Error(`logbook: task ${TASK} not found`)
    })
  await pragma("OFF")
  while (logbookSteps <= history) await step()
  await pragma("NORMAL")

  const peer = await langGraph(file("workflow-langgraph"), "normal")
  let peerSteps = 0
  if (peer !== undefined) {
    await peer.durable("off")
    while (peerSteps <= history) await peer.step(TASK, peerSteps++)
    await peer.durable("normal")
  }
  const durability = "WAL, sync=NORMAL on both"
  const pairs: Array<Pair> = peer === undefined ? [] : [
    {
      slug: "workflow-step",
      workload: `2. workflow step (~2 KB context + checkpoint), ${history} steps of history`,
      unit: "step",
      durability,
      target: "≥ 1.0×",
      logbook: { name: "logbook StateStore.step", loop: loopOf(step) },
      baseline: { name: "LangGraph SqliteSaver.put", loop: loopOf(() => peer.step(TASK, peerSteps++)) }
    },
    {
      slug: "workflow-current",
      workload: `2. workflow resume, ${history}+ steps of history`,
      unit: "load",
      durability,
      target: "≥ 1.0×",
      logbook: { name: "logbook StateStore.current", loop: loopOf(current) },
      baseline: { name: "LangGraph SqliteSaver.getTuple", loop: loopOf(() => peer.load(TASK)) }
    }
  ]
  return {
    pairs,
    close: async () => {
      await peer?.close()
      await runtime.dispose()
    }
  }
}
