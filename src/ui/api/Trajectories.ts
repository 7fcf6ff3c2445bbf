/**
 * The Trajectories endpoints: stored trajectories listed or found by their
 * text, and one trajectory whole.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"
import { NotFound } from "../../Errors.js"
import { MAX_PAGE_LIMIT } from "../../domain/Page.js"
import { TrajectoryInfo } from "../../trajectory/StoredTrajectory.js"
import { PageSize } from "./Params.js"

/** With `text`, a full-text search (best match first); else the newest first, filtered by agent and task. */
export const TrajectoriesParams = Schema.Struct({
  text: Schema.optional(Schema.String),
  agent: Schema.optional(Schema.String),
  task: Schema.optional(Schema.String),
  limit: Schema.optional(PageSize(MAX_PAGE_LIMIT)),
  offset: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()))
})

/** A listed trajectory; a search hit carries its `snippet`, matched words between `[` and `]`. */
export const TrajectoryItem = Schema.Struct({
  ...TrajectoryInfo.fields,
  snippet: Schema.optional(Schema.String)
})

/** The trajectories listed or found. */
export const TrajectoryList = Schema.Struct({ trajectories: Schema.Array(TrajectoryItem) })

/** One trajectory: its indexed fields and the ATIF document as stored. */
export const TrajectoryDetail = Schema.Struct({
  info: TrajectoryInfo,
  trajectory: Schema.Unknown.annotations({ description: "an ATIF trajectory" })
})

/** The Trajectories group. */
export class TrajectoriesGroup extends HttpApiGroup.make("trajectories")
  .add(HttpApiEndpoint.get("list", "/api/trajectories").setUrlParams(TrajectoriesParams).addSuccess(TrajectoryList))
  .add(
    HttpApiEndpoint.get("get")`/api/trajectories/${HttpApiSchema.param("sessionId", Schema.String)}`
      .addSuccess(TrajectoryDetail)
      .addError(NotFound, { status: 404 })
  )
{}
