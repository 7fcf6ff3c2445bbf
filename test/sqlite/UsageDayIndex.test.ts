/**
 * Migration 0010_usage_time_index: LLM usage per day is read from one
 * covering index, a window being a range of it with no sort for the grouping;
 * the figures are the same with and without the index, and the migration
 * rolls back cleanly.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Database } from "../../src/Database.js"
import { migrate, migrationDirectories, rollback } from "../../src/migrations/Migrator.js"
import { dailyUsage } from "../../src/tracker/RunQueries.js"

const directories = migrationDirectories()

const Detail = Schema.Array(Schema.Struct({ detail: Schema.String }))
const Names = Schema.Array(Schema.Struct({ name: Schema.String }))

const SINCE = "2025-03-02T12:00:00.000Z"
const UNTIL = "2025-03-04T07:00:00.000Z"

describe("migration 0010_usage_time_index", () => {
  it.effect("daily usage in a window is a range of the covering day index, with the same figures as without it; rolls back", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* migrate({ directories, to: 10 })
      for (let day = 1; day <= 5; day++) {
        for (const hour of ["06", "18"]) {
          for (const [agent, model] of [["planner", "opus"], ["coder", "sonnet"]]) {
            yield* sql`INSERT INTO llm_usage (agent, provider, model, input_tokens, output_tokens, total_tokens, cost_usd, status, timestamp)
              VALUES (${agent}, 'anthropic', ${model}, ${day * 10}, ${day}, ${day * 11}, ${day / 100}, 'success', ${`2025-03-0${day}T${hour}:00:00.000Z`})`
          }
        }
      }
      const figures = () => Effect.all([dailyUsage(sql, SINCE, UNTIL), dailyUsage(sql, undefined, undefined)])
      const plan = yield* sql`EXPLAIN QUERY PLAN ${dailyUsage(sql, SINCE, UNTIL)}`.pipe(Effect.flatMap(Schema.decodeUnknown(Detail)))
      expect(plan.map((row) => row.detail)).toEqual([expect.stringMatching(/^SEARCH llm_usage USING COVERING INDEX idx_llm_usage_day \(<expr>>\? AND <expr><\?\)$/)])
      const [windowed, all] = yield* figures()
      expect(windowed.map((row) => [row.day, row.agent, row.calls])).toEqual([
        ["2025-03-02", "planner", 1], ["2025-03-02", "coder", 1],
        ["2025-03-03", "planner", 2], ["2025-03-03", "coder", 2],
        ["2025-03-04", "planner", 1], ["2025-03-04", "coder", 1]
      ])
      expect(all).toHaveLength(10)

      const index = "SELECT name FROM sqlite_schema WHERE name = 'idx_llm_usage_day'"
      yield* rollback({ directories, steps: 1 })
      expect(yield* sql.unsafe(index).pipe(Effect.flatMap(Schema.decodeUnknown(Names)))).toEqual([])
      expect(yield* figures()).toEqual([windowed, all])
      yield* migrate({ directories, to: 10 })
      expect(yield* sql.unsafe(index).pipe(Effect.flatMap(Schema.decodeUnknown(Names)))).toEqual([{ name: "idx_llm_usage_day" }])
    }).pipe(Effect.provide(Database.layer({ url: ":memory:", migrate: "off" }))))
})
