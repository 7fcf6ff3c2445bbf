/**
 * The UI's API implemented over the stores: every group's handlers, needing
 * the stores of `Logbook.layer`.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Layer from "effect/Layer"
import { UiApi } from "./Api.js"
import { AgentsHandlers } from "./handlers/Agents.js"
import { AuditHandlers } from "./handlers/Audit.js"
import { CostsHandlers } from "./handlers/Costs.js"
import { LessonsHandlers } from "./handlers/Lessons.js"
import { RunsHandlers } from "./handlers/Runs.js"
import { TasksHandlers } from "./handlers/Tasks.js"
import { TrajectoriesHandlers } from "./handlers/Trajectories.js"

/** The API with every handler. */
export const UiApiLive = HttpApiBuilder.api(UiApi).pipe(
  Layer.provide([
    RunsHandlers,
    TrajectoriesHandlers,
    TasksHandlers,
    AuditHandlers,
    LessonsHandlers,
    CostsHandlers,
    AgentsHandlers
  ])
)
