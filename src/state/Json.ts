/**
 * Arbitrary JSON as logbook stores it: contexts, metadata, artifacts and
 * configuration values. Values are typed `unknown` (so that any interface a
 * caller uses fits) and checked at run time to be what `JSON.stringify` and
 * `JSON.parse` carry over unchanged.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Json } from "../database/Columns.js"
import { jsonIssues } from "../domain/JsonIssues.js"

/** Where a value stops being JSON, and why. */
export interface JsonProblem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

const isPlainObject = (value: unknown): value is { readonly [key: string]: unknown } => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * The first place where `value` is not JSON, or `undefined` when it is: the
 * one JSON check of every store (`domain/JsonIssues`), plain objects only:
 * `null`, booleans, finite numbers, strings, arrays and plain objects of JSON
 * values. An object member that is `undefined` is allowed (it is left out, as
 * `JSON.stringify` does); `undefined` elsewhere, `NaN`, infinities, `bigint`,
 * functions, symbols, class instances (`Date`, `Map`...) and cycles are not.
 * `-0` is stored as `0`. Nesting depth and text are checked before, once for
 * every store (`checkStoredInput`).
 */
export const jsonProblem = (value: unknown): JsonProblem | undefined => jsonIssues(value, { maxIssues: 1 })[0]

const checkJson = (value: unknown): true | JsonProblem => jsonProblem(value) ?? true

/**
 * Any JSON value (see {@link jsonProblem} for what is refused). Decoding does
 * not copy the value; a failure points at the offending member.
 */
export const JsonValue: Schema.Schema<unknown> = Schema.Unknown.pipe(
  Schema.filter(checkJson, { identifier: "JsonValue", description: "a JSON value" })
)

/**
 * A member of a JSON object: a JSON value, or `undefined` (left out when
 * stored, as `JSON.stringify` does, so that optional properties fit).
 */
export const JsonMember: Schema.Schema<unknown> = Schema.Unknown.pipe(
  Schema.filter((value) => value === undefined || checkJson(value), { identifier: "JsonMember", description: "a JSON value" })
)

/** A JSON object: a plain object of JSON values. Decoding does not copy it. */
export const JsonObject: Schema.Schema<{ readonly [key: string]: unknown }> = Schema.declare(isPlainObject, {
  identifier: "JsonObject",
  description: "a JSON object"
}).pipe(Schema.filter(checkJson))

/**
 * A JSON object column: the JSON text stored (parsed here) or the value the
 * PostgreSQL driver parsed from it.
 */
export const JsonObjectColumn = Json(Schema.declare(isPlainObject, { identifier: "JsonObject", description: "a JSON object" }))

/** An object without one of its members (a shallow copy; the input is untouched). */
export const omitKey = (
  object: { readonly [key: string]: unknown },
  key: string
): { readonly [key: string]: unknown } => {
  if (!Object.hasOwn(object, key)) return object
  const { [key]: _omitted, ...rest } = object
  return rest
}
