/**
 * Input validation: decodes caller input with a schema and turns a
 * `ParseError` into the public {@link ValidationError}.
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { onFirstCall } from "./domain/OnFirstCall.js"
import { ValidationError, type ValidationIssue } from "./Errors.js"

/** Converts a schema failure to a {@link ValidationError} listing each issue with its path. */
export const fromParseError = (what: string) => (error: ParseResult.ParseError): ValidationError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message
  }))
  const detail = issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`))
  return new ValidationError({ message: `invalid ${what}: ${detail.join("; ")}`, issues })
}

/**
 * Decodes `input` with `schema`, failing with a {@link ValidationError} that
 * names `what`. The schema runs synchronously (its result an `Either`, itself
 * an effect): input schemas have no effectful parts, and a call's validation
 * then costs no fiber work of its own. The parser is compiled at the first
 * call, not when the validator is made (see `onFirstCall`).
 */
export const validate = <A, I>(schema: Schema.Schema<A, I>, what: string) => {
  const decode = onFirstCall(() => Schema.decodeUnknownEither(schema, { errors: "all" }))
  return (input: unknown): Effect.Effect<A, ValidationError> => Effect.mapError(decode(input), fromParseError(what))
}

/**
 * How deep stored JSON may nest: SQLite's JSON functions (which `RecordStore`
 * filters and the stores' own reads use) refuse anything deeper, so a deeper
 * value could be written but never queried.
 */
export const MAX_JSON_DEPTH = 1000

/** Issues listed for one input at most; the walk stops there. */
const MAX_INPUT_ISSUES = 20

/** A lone UTF-16 surrogate: with the `u` flag, paired surrogates are one code point and do not match. */
const LONE_SURROGATE = /\p{Cs}/u

/** The path of member `key` below `path`, as issues write it: `a.b[0]`, `a["odd key"]`. */
export const memberPath = (path: string, key: string | number): string =>
  typeof key === "number"
    ? `${path}[${key}]`
    : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
    ? path === "" ? key : `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`

/**
 * What keeps `input` from being stored as given, by the two rules every
 * store applies at its boundary:
 *
 * - depth: arrays and plain objects nest at most {@link MAX_JSON_DEPTH}
 *   levels;
 * - text: no string (and no object key) holds a lone UTF-16 surrogate such as
 *   `"\uD800"`. Stored text is UTF-8, which cannot carry one: it would come
 *   back as U+FFFD, a different string. Refusing it keeps what is read back
 *   equal to what was written.
 *
 * The walk is iterative, so any depth is reported, never a stack overflow;
 * a value met twice (shared, or a cycle) is walked once.
 */
export const storedInputIssues = (input: unknown): ReadonlyArray<ValidationIssue> => {
  const issues: Array<ValidationIssue> = []
  const seen = new Set<object>()
  // Paths are written only for an issue: each place keeps its parent and key.
  const stack: Array<Place> = [{ value: input, parent: undefined, key: "", depth: 0 }]
  while (stack.length > 0 && issues.length < MAX_INPUT_ISSUES) {
    const place = stack.pop()!
    const value = place.value
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) issues.push({ path: pathOf(place), message: "text holds a lone UTF-16 surrogate, which UTF-8 cannot store" })
      continue
    }
    if (typeof value !== "object" || value === null || seen.has(value)) continue
    const isArray = Array.isArray(value)
    const proto: unknown = Object.getPrototypeOf(value)
    if (!isArray && proto !== Object.prototype && proto !== null) continue
    seen.add(value)
    if (place.depth >= MAX_JSON_DEPTH) {
      issues.push({ path: pathOf(place), message: `nested deeper than ${MAX_JSON_DEPTH} levels` })
      continue
    }
    const depth = place.depth + 1
    if (isArray) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: place, key: i, depth })
      continue
    }
    const keys = Object.keys(value)
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!
      if (LONE_SURROGATE.test(key)) {
        issues.push({ path: memberPath(pathOf(place), key), message: "a key holds a lone UTF-16 surrogate, which UTF-8 cannot store" })
      }
      const member: unknown = Reflect.get(value, key)
      stack.push({ value: member, parent: place, key, depth })
    }
  }
  return issues
}

/** A value met by {@link storedInputIssues}: where it is (its parent and key) and how deep. */
interface Place {
  readonly value: unknown
  readonly parent: Place | undefined
  readonly key: string | number
  readonly depth: number
}

/** The path of a place, as issues write it (`a.b[0]`; `""` for the input itself). */
const pathOf = (place: Place): string => {
  const keys: Array<string | number> = []
  for (let at: Place | undefined = place; at?.parent !== undefined; at = at.parent) keys.push(at.key)
  let path = ""
  for (let i = keys.length - 1; i >= 0; i--) path = memberPath(path, keys[i]!)
  return path
}

/**
 * Fails with a {@link ValidationError} naming `what` and each place where
 * `input` breaks the depth or text rule (see {@link storedInputIssues}).
 */
export const checkStoredInput = (what: string) => (input: unknown): Effect.Effect<void, ValidationError> => {
  const error = storedInputError(what)(input)
  return error === undefined ? Effect.void : Effect.fail(error)
}

/** {@link checkStoredInput} as plain code: the `ValidationError`, or `undefined` when `input` can be stored. */
export const storedInputError = (what: string) => (input: unknown): ValidationError | undefined => {
  const issues = storedInputIssues(input)
  if (issues.length === 0) return undefined
  const detail = issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`))
  return new ValidationError({ message: `invalid ${what}: ${detail.join("; ")}`, issues })
}
