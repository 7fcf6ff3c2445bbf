/**
 * JSON values as schemas: what an audit entry's `details` may hold when it is
 * written ({@link JsonDetails}) and what it is read back as ({@link JsonValue}).
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { jsonIssues } from "../domain/JsonIssues.js"

/** A JSON value, as stored and as read back. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

const isJsonValue = (value: unknown): value is JsonValue => value !== undefined && jsonIssues(value, { maxIssues: 1 }).length === 0

/**
 * A JSON value as parsed from JSON text: `null`, a boolean, a finite number,
 * a string, an array or a plain object of JSON values. Checked by one plain
 * walk (no per-node decoding), as stored details are read in bulk by exports.
 */
export const JsonValue: Schema.Schema<JsonValue> = Schema.declare(isJsonValue, {
  identifier: "JsonValue",
  description: "a JSON value"
})

/**
 * Details as a caller hands them over: any value that `JSON.stringify`
 * writes faithfully (`jsonIssues` with `objects: "stringify"`: a `Date` is
 * written as `toJSON` returns it, a `Map` or a `Set` is refused), or
 * `undefined` for none; typed `unknown` so that interfaces and class shapes
 * can be passed without an index signature. Each problem (ten at most) is an
 * issue with its path inside the value.
 */
export const JsonDetails = Schema.Unknown.pipe(
  Schema.filter((value) => (value === undefined ? [] : jsonIssues(value, { objects: "stringify", maxIssues: 10 })), {
    identifier: "JsonDetails",
    description: "a value that JSON.stringify writes faithfully"
  })
)
