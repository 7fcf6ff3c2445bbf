/** The Trajectories handlers, over the TrajectoryStore. */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NotFound } from "../../Errors.js"
import { TrajectoryStore } from "../../TrajectoryStore.js"
import { UiApi } from "../Api.js"

/** The Trajectories group's handlers. */
export const TrajectoriesHandlers = HttpApiBuilder.group(UiApi, "trajectories", (handlers) =>
  Effect.gen(function*() {
    const store = yield* TrajectoryStore
    return handlers
      .handle("list", ({ urlParams: p }) =>
        p.text !== undefined && p.text.trim() !== ""
          ? store.search({ query: p.text, limit: p.limit ?? 50 }).pipe(
            Effect.map((hits) => ({
              trajectories: hits.filter((hit) =>
                (p.agent === undefined || hit.agentName === p.agent) && (p.task === undefined || hit.taskId === p.task)
              ).map(({ rank: _rank, ...item }) => item)
            }))
          )
          : store.list({ agentName: p.agent, taskId: p.task, limit: p.limit, offset: p.offset }).pipe(
            Effect.map((trajectories) => ({ trajectories }))
          ))
      .handle("get", ({ path }) =>
        store.get(path.sessionId).pipe(
          Effect.flatMap(Option.match({
            onNone: () => new NotFound({ entity: "trajectory", id: path.sessionId }),
            onSome: ({ trajectory, ...info }) => Effect.succeed({ info, trajectory })
          }))
        ))
  }))
