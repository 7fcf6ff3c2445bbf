/**
 * The Costs and health endpoints: tokens and cost per day by model and
 * agent, each agent's success rate and duration percentiles, and the
 * database's health checks.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as Schema from "effect/Schema"
import { SearchIndexCheck } from "../../maintenance/SearchIndex.js"
import { AgentHealth, DailyUsage } from "../../tracker/RunViews.js"

/** The window, as ISO-8601 instants: `since` inclusive, `until` exclusive. */
export const CostsParams = Schema.Struct({
  since: Schema.optional(Schema.String),
  until: Schema.optional(Schema.String)
})

/** The window's LLM calls, tokens and cost, summed over its days. */
export const CostTotals = Schema.Struct({
  llmCalls: Schema.Number,
  totalTokens: Schema.Number,
  costUsd: Schema.Number
})

/** Usage per day and health per agent over the window, with the window's totals. */
export const Costs = Schema.Struct({
  daily: Schema.Array(DailyUsage),
  agents: Schema.Array(AgentHealth),
  totals: CostTotals
})

/** What `logbook doctor` finds. */
export const Doctor = Schema.Struct({
  ok: Schema.Boolean,
  integrity: Schema.Array(Schema.String),
  foreignKeyViolations: Schema.Number,
  searchIndexes: Schema.Array(SearchIndexCheck),
  migrations: Schema.Struct({
    applied: Schema.Number,
    pending: Schema.Array(Schema.Number),
    drifted: Schema.Array(Schema.Number),
    missing: Schema.Array(Schema.Number)
  }),
  journalMode: Schema.String,
  walBytes: Schema.Number,
  databaseBytes: Schema.Number,
  sqliteVersion: Schema.String,
  logbookVersion: Schema.String,
  spool: Schema.Array(Schema.Struct({ path: Schema.String, bytes: Schema.Number }))
})

/** The Costs and health group. */
export class CostsGroup extends HttpApiGroup.make("costs")
  .add(HttpApiEndpoint.get("costs", "/api/costs").setUrlParams(CostsParams).addSuccess(Costs))
  .add(HttpApiEndpoint.get("doctor", "/api/doctor").addSuccess(Doctor))
{}
