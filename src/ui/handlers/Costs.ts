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
        Effect.all({
          daily: tracker.dailyUsage(window),
          agents: tracker.agentHealth(window),
          totals: tracker.stats()
        }))
      .handle("doctor", () => Effect.provideService(Maintenance.doctor, Database, database))
  }))
