/**
 * The statements logbook runs, captured with an @effect/sql statement
 * transformer, so that a benchmark can run the very same SQL through the raw
 * driver.
 */
import * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"

/** A value better-sqlite3 binds. */
export type Param = string | number | bigint | null | Buffer

/** One statement logbook ran: its SQL and its parameters. */
export type Captured = readonly [sql: string, params: ReadonlyArray<Param>]

/**
 * `layer`, provided to a logbook layer, sees every statement it runs;
 * `during(run)` returns what `run` returned and the statements run meanwhile.
 */
export const statementCapture = () => {
  let into: Array<Captured> | undefined
  const layer = Statement.setTransformer((statement) => {
    if (into !== undefined) {
      const [sql, params] = statement.compile()
      into.push([sql, params as ReadonlyArray<Param>])
    }
    return Effect.succeed(statement)
  })
  const during = async <A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly statements: ReadonlyArray<Captured> }> => {
    const statements: Array<Captured> = []
    into = statements
    try {
      return { result: await run(), statements }
    } finally {
      into = undefined
    }
  }
  return { layer, during }
}
