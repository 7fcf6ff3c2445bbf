/**
 * JSON values as callers hand them over: checking that a value survives
 * `JSON.stringify` unchanged (no `undefined` in arrays, no non-finite
 * numbers, no class instances, no cycles), and reading stored JSON objects
 * back without copying them.
 */
import * as Schema from "effect/Schema"
import type { ValidationIssue } from "../Errors.js"

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

const describe = (u: unknown): string =>
  typeof u === "object" && u !== null
    ? `${Object.getPrototypeOf(u)?.constructor?.name ?? "an object"} is not JSON`
    : `${typeof u} is not JSON`

const childPath = (path: string, key: string | number): string =>
  typeof key === "number"
    ? `${path}[${key}]`
    : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
    ? path === "" ? key : `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`

/**
 * The problems that keep `value` from being stored as JSON exactly as given,
 * each with its path below `path`; empty when there are none. Object members
 * that are `undefined` are allowed (JSON leaves them out); `undefined` array
 * elements, non-finite numbers, bigints, functions, symbols, class instances
 * (`Date` included: store `toISOString()`) and cycles are not. Nesting depth
 * and text are checked before, once for every store (`checkStoredInput`).
 */
export const jsonIssues = (value: unknown, path: string): ReadonlyArray<ValidationIssue> => {
  const issues: Array<ValidationIssue> = []
  const ancestors = new Set<object>()
  const visit = (u: unknown, at: string): void => {
    if (issues.length >= 20) return
    if (u === null || typeof u === "string" || typeof u === "boolean") return
    if (typeof u === "number") {
      if (!Number.isFinite(u)) issues.push({ path: at, message: `${u} is not a JSON number` })
      return
    }
    if (typeof u === "object" && ancestors.has(u)) {
      issues.push({ path: at, message: "a cycle (the value contains itself) is not JSON" })
      return
    }
    if (Array.isArray(u)) {
      ancestors.add(u)
      for (let i = 0; i < u.length; i++) {
        const item: unknown = u[i]
        if (item === undefined) issues.push({ path: childPath(at, i), message: "undefined is not JSON" })
        else visit(item, childPath(at, i))
      }
      ancestors.delete(u)
      return
    }
    if (isPlainObject(u)) {
      ancestors.add(u)
      for (const key of Object.keys(u)) {
        const member = u[key]
        if (member !== undefined) visit(member, childPath(at, key))
      }
      ancestors.delete(u)
      return
    }
    issues.push({ path: at, message: describe(u) })
  }
  visit(value, path)
  return issues
}
