/**
 * Compiling a JSON document filter (`where`) to an SQL fragment with bound
 * values: the filter is validated here into {@link WhereCondition}s, which
 * `records/Queries.ts` renders for the database's dialect.
 *
 * `where` filters on fields of a JSON document column by path:
 *
 * ```ts
 * { "complexity": "complex", "confidence": { gt: 0.8 }, "plan.agents": { contains: "builder" } }
 * ```
 *
 * Every path and every value ends up in a bound parameter; only the SQL of
 * the query module and the trusted column name reach the SQL text. Anything not
 * understood (an unknown operator, a malformed path, a value of the wrong
 * shape) is a {@link WhereInvalid}, never an unfiltered result.
 *
 * Comparisons are type-exact: the string `"5"` does not equal the number `5`,
 * `true` does not equal `1`, and an object or array field never equals a
 * string (every comparison is guarded by the JSON type of the field:
 * `json_type` on SQLite, `jsonb_typeof` on PostgreSQL).
 *
 * @module
 */
import type * as Statement from "@effect/sql/Statement"
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { whereFragment } from "./Queries.js"

/**
 * The operators of a `where` condition.
 *
 * - `eq` / `ne`: equal / not equal to a scalar (string, number, boolean or
 *   `null`). `ne` also matches documents where the field is missing.
 * - `gt` / `gte` / `lt` / `lte`: ordered comparison with a number (matches
 *   numeric fields only) or a string (matches string fields only, compared by
 *   code point).
 * - `in`: equal to one of a non-empty array of scalars.
 * - `contains`: an array field with an element equal to the scalar, or a string
 *   field containing the string as a case-sensitive substring.
 * - `exists`: `true` when the field is present (a JSON `null` is present),
 *   `false` when it is missing.
 */
export type WhereOperator = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "contains" | "exists"

/**
 * A document filter: keys are field paths, values are either a bare scalar
 * (meaning `eq`) or an object of {@link WhereOperator}s, all of which must hold.
 * Conditions on different paths are combined with `AND`.
 *
 * A path is dot-separated names matching `[A-Za-z_][A-Za-z0-9_]*`, each
 * optionally followed by array indexes `[N]`: `plan.agents`, `steps[0].name`.
 * At most 32 steps (names plus indexes).
 */
export type Where = Readonly<Record<string, unknown>>

/** A `where` filter that cannot be compiled; `path` names the offending path. */
export class WhereInvalid extends Data.TaggedError("WhereInvalid")<{
  readonly message: string
  readonly path?: string
}> {}

/** A JSON scalar a condition compares with. */
export type WhereScalar = string | number | boolean | null

/** What one validated condition tests of the field at its path. */
export type WhereTest =
  | { readonly _tag: "Equals"; readonly value: WhereScalar }
  | { readonly _tag: "NotEquals"; readonly value: WhereScalar }
  | { readonly _tag: "Compare"; readonly operator: ">" | ">=" | "<" | "<="; readonly value: string | number }
  | { readonly _tag: "In"; readonly values: ReadonlyArray<WhereScalar> }
  | { readonly _tag: "Contains"; readonly value: WhereScalar }
  | { readonly _tag: "Exists"; readonly present: boolean }

/** One validated condition: a test of the field at `jsonPath` (`$.a.b[0]`). */
export interface WhereCondition {
  readonly jsonPath: string
  readonly test: WhereTest
}

/** The most conditions (paths) one filter may have. */
export const MAX_WHERE_CONDITIONS = 64
/** The most steps (names plus array indexes) one path may have. */
export const MAX_WHERE_PATH_STEPS = 32
/** The most values one `in` list may have. */
export const MAX_WHERE_IN_VALUES = 1000

type Scalar = WhereScalar

const OPERATORS: ReadonlySet<string> = new Set<WhereOperator>([
  "eq",
  "ne",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "contains",
  "exists"
])

const isOperator = (key: string): key is WhereOperator => OPERATORS.has(key)

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\[(?:0|[1-9][0-9]{0,8})\])*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[(?:0|[1-9][0-9]{0,8})\])*)*$/
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/
/** Column names of SQLite's JSON table functions, which would shadow an unqualified column inside their subqueries. */
const JSON_EACH_COLUMNS: ReadonlySet<string> = new Set([
  "key",
  "value",
  "type",
  "atom",
  "id",
  "parent",
  "fullkey",
  "path",
  "json",
  "root"
])

const show = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)

const isPlainObject = (u: unknown): u is Readonly<Record<string, unknown>> => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const isScalar = (u: unknown): u is Scalar =>
  u === null || typeof u === "string" || typeof u === "boolean" || (typeof u === "number" && Number.isFinite(u))

/** Why `u` is not a scalar, for error messages. */
const notScalar = (u: unknown): string =>
  Array.isArray(u)
    ? "an array is not a scalar (use `in` for one of several values)"
    : typeof u === "object" && u !== null
    ? "a nested object is not a value (filter on a nested field by path, e.g. \"a.b\")"
    : typeof u === "number"
    ? "a number must be finite"
    : `${typeof u} is not a JSON scalar`

/** Validates a field path against the grammar and turns it into a JSON path (`$.a.b[0]`). */
export const toJsonPath = (path: string): Either.Either<string, WhereInvalid> => {
  if (!PATH.test(path)) {
    return Either.left(
      new WhereInvalid({
        message: `where: invalid path ${show(path)}: expected dot-separated names ` +
          "[A-Za-z_][A-Za-z0-9_]* with optional [N] array indexes",
        path
      })
    )
  }
  const steps = (path.match(/[A-Za-z_][A-Za-z0-9_]*|\[/g) ?? []).length
  if (steps > MAX_WHERE_PATH_STEPS) {
    return Either.left(
      new WhereInvalid({
        message: `where: path ${show(path)} has ${steps} steps, more than ${MAX_WHERE_PATH_STEPS}`,
        path
      })
    )
  }
  return Either.right(`$.${path}`)
}

/** The test of one operator and its operand, or why the operand does not fit. */
const testOf = (path: string, op: WhereOperator, operand: unknown): Either.Either<WhereTest, WhereInvalid> => {
  const invalid = (why: string) =>
    Either.left(new WhereInvalid({ message: `where: ${show(path)}: \`${op}\` ${why}`, path }))
  switch (op) {
    case "eq":
      return isScalar(operand) ? Either.right({ _tag: "Equals", value: operand }) : invalid(`needs a scalar: ${notScalar(operand)}`)
    case "ne":
      return isScalar(operand)
        ? Either.right({ _tag: "NotEquals", value: operand })
        : invalid(`needs a scalar: ${notScalar(operand)}`)
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      if (typeof operand !== "string" && !(typeof operand === "number" && Number.isFinite(operand))) {
        return invalid("needs a finite number or a string")
      }
      const operator = op === "gt" ? ">" : op === "gte" ? ">=" : op === "lt" ? "<" : "<="
      return Either.right({ _tag: "Compare", operator, value: operand })
    }
    case "in": {
      if (!Array.isArray(operand) || operand.length === 0) return invalid("needs a non-empty array of scalars")
      if (operand.length > MAX_WHERE_IN_VALUES) return invalid(`takes at most ${MAX_WHERE_IN_VALUES} values`)
      const values: Array<Scalar> = []
      for (const item of operand) {
        if (!isScalar(item)) return invalid(`needs an array of scalars: ${notScalar(item)}`)
        values.push(item)
      }
      return Either.right({ _tag: "In", values })
    }
    case "contains":
      return isScalar(operand) ? Either.right({ _tag: "Contains", value: operand }) : invalid(`needs a scalar: ${notScalar(operand)}`)
    case "exists":
      return typeof operand === "boolean" ? Either.right({ _tag: "Exists", present: operand }) : invalid("needs true or false")
  }
}

/**
 * Validates a `where` filter into its conditions, in order (see
 * {@link compileWhere} for what is refused). An absent or empty filter has
 * none.
 */
export const parseWhere = (where: Where | undefined): Either.Either<ReadonlyArray<WhereCondition>, WhereInvalid> => {
  if (where === undefined) return Either.right([])
  if (!isPlainObject(where)) {
    return Either.left(new WhereInvalid({ message: "where: must be an object mapping field paths to conditions" }))
  }
  const entries = Object.entries(where)
  if (entries.length > MAX_WHERE_CONDITIONS) {
    return Either.left(
      new WhereInvalid({ message: `where: ${entries.length} conditions, more than ${MAX_WHERE_CONDITIONS}` })
    )
  }
  const conditions: Array<WhereCondition> = []
  for (const [path, condition] of entries) {
    const jsonPath = toJsonPath(path)
    if (Either.isLeft(jsonPath)) return Either.left(jsonPath.left)

    let operators: ReadonlyArray<readonly [string, unknown]>
    if (isPlainObject(condition)) {
      operators = Object.entries(condition)
      if (operators.length === 0) {
        return Either.left(
          new WhereInvalid({ message: `where: ${show(path)}: empty operator object (expected one of ${[...OPERATORS].join(", ")})`, path })
        )
      }
    } else if (isScalar(condition)) {
      operators = [["eq", condition]]
    } else {
      return Either.left(new WhereInvalid({ message: `where: ${show(path)}: ${notScalar(condition)}`, path }))
    }

    for (const [op, operand] of operators) {
      if (!isOperator(op)) {
        return Either.left(
          new WhereInvalid({
            message: `where: ${show(path)}: unknown operator ${show(op)} (expected one of ${[...OPERATORS].join(", ")})`,
            path
          })
        )
      }
      const test = testOf(path, op, operand)
      if (Either.isLeft(test)) return Either.left(test.left)
      conditions.push({ jsonPath: jsonPath.right, test: test.right })
    }
  }
  return Either.right(conditions)
}

/**
 * Compiles a `where` filter on the JSON documents in `column` to an SQL
 * boolean expression, a fragment of `sql` with every path and value bound as
 * a parameter, in the database's dialect.
 *
 * Each condition compiles to a type-exact test (the field's JSON type is
 * checked before its value is compared), with the path and the value bound;
 * conditions are joined with `AND`. An empty or absent filter compiles to
 * `1=1`.
 *
 * Returns {@link WhereInvalid} (naming the path where there is one) for: a
 * filter that is not a plain object; a path outside the grammar (quotes,
 * `$`, spaces, `..`, empty, negative or unclosed indexes, more than 32
 * steps); an operator object that is empty or has a key that is not a
 * {@link WhereOperator} (`$gt` included); a nested object or an array as an
 * equality value; `in` without a non-empty array of scalars; `gt`/`gte`/`lt`/
 * `lte` without a finite number or a string; `exists` without a boolean;
 * non-finite numbers; more than 64 conditions.
 *
 * Semantics worth knowing: `ne` matches documents where the field is missing;
 * `{ eq: null }` matches a JSON `null`, not a missing field (use
 * `{ exists: false }`); ordered comparisons only match fields of the same
 * type as the operand.
 *
 * `column` is a trusted identifier supplied by our code (`content`, or
 * `r.content`); anything else throws.
 */
export const compileWhere = (
  sql: Statement.Constructor,
  where: Where | undefined,
  column: string
): Either.Either<Statement.Fragment, WhereInvalid> => {
  if (!COLUMN.test(column) || JSON_EACH_COLUMNS.has(column.toLowerCase())) {
    throw new Error(`compileWhere: column must be a plain SQL identifier not shadowed by a JSON table function, got ${show(column)}`)
  }
  return Either.map(parseWhere(where), (conditions) => whereFragment(sql, sql`${sql(column)}`, conditions))
}
