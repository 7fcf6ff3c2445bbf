/**
 * The UI's client of the JSON API: one typed function per endpoint. The
 * types are the encoded (JSON) forms of the server's own schemas.
 */
import type * as Schema from "effect/Schema"
import type { AgentDetail, AgentList, SessionDetail, SessionLogNodeJson } from "../../src/ui/api/Agents.js"
import type { AuditPage } from "../../src/ui/api/Audit.js"
import type { Costs, Doctor } from "../../src/ui/api/Costs.js"
import type { LessonList } from "../../src/ui/api/Lessons.js"
import type { RunDetail, RunsPage } from "../../src/ui/api/Runs.js"
import type { ContextDiff, TaskDetail, TasksPage } from "../../src/ui/api/Tasks.js"
import type { TrajectoryDetail, TrajectoryList } from "../../src/ui/api/Trajectories.js"

type Json<S extends Schema.Schema.All> = Schema.Schema.Encoded<S>

export type RunsPageJson = Json<typeof RunsPage>
export type RunJson = RunsPageJson["runs"][number]
export type RunDetailJson = Json<typeof RunDetail>
export type TrajectoryListJson = Json<typeof TrajectoryList>
export type TrajectoryDetailJson = Json<typeof TrajectoryDetail>
export type TasksPageJson = Json<typeof TasksPage>
export type TaskDetailJson = Json<typeof TaskDetail>
export type ContextDiffJson = Json<typeof ContextDiff>
export type AuditPageJson = Json<typeof AuditPage>
export type LessonListJson = Json<typeof LessonList>
export type CostsJson = Json<typeof Costs>
export type DoctorJson = Json<typeof Doctor>
export type AgentListJson = Json<typeof AgentList>
export type AgentDetailJson = Json<typeof AgentDetail>
export type SessionDetailJson = Json<typeof SessionDetail>
export type LogNodeJson = SessionLogNodeJson

/** Query parameters; empty ones are left out. */
export type Params = Record<string, string | undefined>

/** A failed API call, with the server's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** The API URL of `path` with `params`. */
export const apiUrl = (path: string, params: Params = {}): string => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, value)
  const text = search.toString()
  return `/api/${path}${text === "" ? "" : `?${text}`}`
}

const get = async <A>(path: string, params: Params = {}): Promise<A> => {
  const response = await fetch(apiUrl(path, params), { headers: { accept: "application/json" } })
  if (!response.ok) {
    const body = await response.text()
    let message = body
    try {
      const parsed: unknown = JSON.parse(body)
      if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") {
        message = parsed.message
      }
    } catch {
      // not JSON: the text itself is the message
    }
    throw new ApiError(response.status, message || response.statusText)
  }
  return (await response.json()) as A
}

const at = (id: string) => encodeURIComponent(id)

/** Every endpoint of the API. */
export const api = {
  runs: (params: Params) => get<RunsPageJson>("runs", params),
  run: (id: string) => get<RunDetailJson>(`runs/${at(id)}`),
  trajectories: (params: Params) => get<TrajectoryListJson>("trajectories", params),
  trajectory: (sessionId: string) => get<TrajectoryDetailJson>(`trajectories/${at(sessionId)}`),
  tasks: (params: Params) => get<TasksPageJson>("tasks", params),
  task: (taskId: string) => get<TaskDetailJson>(`tasks/${at(taskId)}`),
  diff: (taskId: string, from: string, to: string) => get<ContextDiffJson>(`tasks/${at(taskId)}/diff`, { from, to }),
  audit: (params: Params) => get<AuditPageJson>("audit", params),
  lessons: (params: Params) => get<LessonListJson>("lessons", params),
  costs: (params: Params) => get<CostsJson>("costs", params),
  doctor: () => get<DoctorJson>("doctor"),
  agents: (params: Params) => get<AgentListJson>("agents", params),
  agent: (id: string) => get<AgentDetailJson>(`agents/${at(id)}`),
  session: (id: string) => get<SessionDetailJson>(`sessions/${at(id)}`)
}
