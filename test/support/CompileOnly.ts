/**
 * Statement constructors that only compile (never run) SQL, one per
 * dialect: for specs of the SQL text and bound values a query builder
 * produces, PostgreSQL's included, without a server.
 */
import * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"

/** A fresh acquirer per constructor: `Statement.make` caches constructors by acquirer. */
const neverRuns = () => Effect.dieMessage("a compile-only statement constructor cannot run statements")

/** SQLite's compiler (`?` placeholders). */
export const sqliteSql: Statement.Constructor = Statement.make(neverRuns(), Statement.makeCompilerSqlite(), [], undefined)

const escapePg = (name: string) => `"${name.replace(/"/g, "\"\"").replace(/\./g, "\".\"")}"`

/** A PostgreSQL compiler (`$n` placeholders, double-quoted identifiers). */
export const pgSql: Statement.Constructor = Statement.make(
  neverRuns(),
  Statement.makeCompiler({
    dialect: "pg",
    placeholder: (index) => `$${index}`,
    onIdentifier: escapePg,
    onRecordUpdate: () => ["", []],
    onCustom: () => ["", []]
  }),
  [],
  undefined
)

const bindable = (value: unknown): string | number | null => {
  if (value === null || typeof value === "string" || typeof value === "number") return value
  throw new Error(`a compile-only spec binds strings, numbers and null, not ${typeof value}`)
}

/** The SQL text and bound values of `fragment` compiled by `sql`. */
export const compileText = (
  sql: Statement.Constructor,
  fragment: Statement.Fragment
): { readonly sql: string; readonly params: ReadonlyArray<string | number | null> } => {
  const [text, params] = sql`${fragment}`.compile()
  return { sql: text, params: params.map(bindable) }
}
