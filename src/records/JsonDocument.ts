/**
 * JSON values as callers hand them over: checking that a value survives
 * `JSON.stringify` unchanged (no `undefined` in arrays, no non-finite
 * numbers, no class instances, no cycles), and reading stored JSON objects
 * back without copying them.
 */
import * as Schema from "effect/Schema"
import { jsonIssues as issuesOf } from "../domain/JsonIssues.js"
import type { ValidationIssue } from "../Errors.js"
import { memberPath } from "../Validation.js"

/** A JSON object (checked without copying, so `__proto__` and key order stay as they are). */
export type JsonObject = { readonly [key: string]: unknown }

/** Whether `u` is a plain object (`{...}` or `Object.create(null)`), not an array or class instance. */
export const isPlainObject = (u: unknown): u is JsonObject => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/** A plain JSON object, checked by reference. */
export const JsonObjectFromSelf = Schema.declare(isPlainObject, {
  identifier: "JsonObject",
  description: "a JSON object",
  jsonSchema: { type: "object" }
})

/**
 * The problems that keep `value` from being stored as JSON exactly as given,
 * each with its path below `path`; empty when there are none: the one JSON
 * check of every store (`domain/JsonIssues`), plain objects only (a `Date`
 * is refused: store `toISOString()`). Nesting depth and text are checked
 * before, once for every store (`checkStoredInput`).
 */
export const jsonIssues = (value: unknown, path: string): ReadonlyArray<ValidationIssue> =>
  issuesOf(value).map((issue) => ({ path: issue.path.reduce<string>(memberPath, path), message: issue.message }))
