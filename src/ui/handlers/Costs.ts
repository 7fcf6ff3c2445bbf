/** The Costs and health handlers, over the ExecutionTracker and the doctor. */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { Database } from "../../Database.js"
import { ExecutionTracker } from "../../ExecutionTracker.js"
import * as Maintenance from "../../Maintenance.js"
import { UiApi } from "../Api.js"

/** The Costs and health group's handlers. */
export const CostsHandlers = HttpApiBuilder.group(UiApi, "costs", (handlers) =>
  Effect.gen(function*() {
    const tracker = yield* ExecutionTracker
    const database = yield* Database
    return handlers
      .handle("costs", ({ urlParams: window }) =>
        Effect.gen(function*() {
          const daily = yield* tracker.dailyUsage(window)
          const agents = yield* tracker.agentHealth(window)
          const totals = daily.reduce(
            (sum, day) => ({
              llmCalls: sum.llmCalls + day.calls,
              totalTokens: sum.totalTokens + day.totalTokens,
              costUsd: sum.costUsd + day.costUsd
            }),
            { llmCalls: 0, totalTokens: 0, costUsd: 0 }
          )
          return { daily, agents, totals }
        }))
      .handle("doctor", () => Effect.provideService(Maintenance.doctor, Database, database))
  }))
