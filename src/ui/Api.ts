/**
 * The logbook UI's JSON API: read-only endpoints over the stores, one group
 * per page. A page is added with a group here, its handlers in
 * `handlers/`, and its entry in `Handlers.ts`.
 */
import * as HttpApi from "@effect/platform/HttpApi"
import { DatabaseError, ValidationError } from "../Errors.js"
import { AgentsGroup } from "./api/Agents.js"
import { AuditGroup } from "./api/Audit.js"
import { CostsGroup } from "./api/Costs.js"
import { LessonsGroup } from "./api/Lessons.js"
import { RunsGroup } from "./api/Runs.js"
import { TasksGroup } from "./api/Tasks.js"
import { TrajectoriesGroup } from "./api/Trajectories.js"

/** The UI's API; its OpenAPI document is served at `/api/openapi.json`. */
export class UiApi extends HttpApi.make("logbook")
  .add(RunsGroup)
  .add(TrajectoriesGroup)
  .add(TasksGroup)
  .add(AuditGroup)
  .add(LessonsGroup)
  .add(CostsGroup)
  .add(AgentsGroup)
  .addError(ValidationError, { status: 400 })
  .addError(DatabaseError, { status: 503 })
{}
