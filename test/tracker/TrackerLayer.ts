/**
 * The layer of the tracker specs: the ExecutionTracker on a fresh in-memory
 * database (with its core services) for every test that provides it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Schema from "effect/Schema"
import { coreLayerMemory } from "../../src/Core.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import { Num } from "../../src/database/Columns.js"

/** ExecutionTracker + core services on a fresh in-memory database. */
export const TestLayer = ExecutionTracker.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

/** Sets a trace's stored start, to make durations and windows deterministic. */
export const setStartedAt = (id: string, startedAt: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql`UPDATE execution_traces SET started_at = ${startedAt} WHERE id = ${id}`)

/** Counts the rows of a table. */
export const countRows = (table: "execution_traces" | "agent_invocations" | "trace_events" | "llm_usage") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`SELECT count(*) AS n FROM ${sql(table)}`.pipe(
      Effect.flatMap(Schema.decodeUnknown(Schema.Tuple(Schema.Struct({ n: Num })))),
      Effect.map(([row]) => row.n),
      Effect.orDie
    ))

/** Runs `self` with a logger that collects the messages of warnings. */
export const collectingWarnings = <A, E, R>(self: (warnings: ReadonlyArray<string>) => Effect.Effect<A, E, R>) => {
  const warnings: Array<string> = []
  const logger = Logger.make(({ logLevel, message }) => {
    if (logLevel._tag === "Warning") warnings.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
  })
  return self(warnings).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
}

/** A GitHub token shape that the default redaction rules remove. */
export const SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
