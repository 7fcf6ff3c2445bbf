/**
 * Timestamps as logbook stores them: ISO-8601 UTC with milliseconds
 * (`2025-01-31T09:30:00.000Z`), so that text order is time order.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"

/**
 * An ISO-8601 date (`2025-01-31`, read as UTC midnight) or date-time with a
 * zone (`Z` or `+02:00`). A date-time without a zone is refused: JavaScript
 * would read it in the machine's local time zone.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i

/** Whether the calendar fields of an ISO string exist (JavaScript rolls `02-30` over to March). */
const realCalendarDate = (match: RegExpExecArray): boolean => {
  const [year, month, day, hour] = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4] ?? 0)]
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth && hour <= 23
}

const parse = (input: string): Date | undefined => {
  const match = ISO_8601.exec(input)
  return match !== null && realCalendarDate(match) ? new Date(input) : undefined
}

/** The instant of a `Date` or an ISO-8601 string, if it is a valid one with a year in 0000–9999. */
export const toDate = (input: Date | string): Date | undefined => {
  const date = typeof input === "string" ? parse(input) : input
  if (date === undefined || Number.isNaN(date.getTime())) return undefined
  const year = date.getUTCFullYear()
  return year >= 0 && year <= 9999 ? date : undefined
}

const invalid = (ast: SchemaAST.AST, input: unknown) =>
  new ParseResult.Type(
    ast,
    input,
    "expected a valid Date or an ISO-8601 timestamp with a zone, such as 2025-01-31T09:30:00.000Z"
  )

/**
 * A point in time, given as a `Date` or an ISO-8601 string (with a zone when
 * it has a time), decoded to the canonical UTC form with milliseconds. Fails
 * on an invalid date, a string in another format, or a year outside 0000–9999.
 */
export const Timestamp: Schema.Schema<string, Date | string> = Schema.transformOrFail(
  Schema.Union(Schema.DateFromSelf, Schema.String),
  Schema.String,
  {
    strict: true,
    decode: (input, _, ast) => {
      const date = toDate(input)
      return date === undefined ? ParseResult.fail(invalid(ast, input)) : ParseResult.succeed(date.toISOString())
    },
    encode: ParseResult.succeed
  }
).annotations({ identifier: "Timestamp" })

/**
 * {@link Timestamp}, optional: `null` and `undefined` decode to `undefined`.
 * Use it with `Schema.optionalWith(..., { exact: true })` so that a
 * malformed timestamp is reported as one issue.
 */
export const OptionalTimestamp: Schema.Schema<string | undefined, Date | string | null | undefined> = Schema
  .transformOrFail(
    Schema.Union(Schema.DateFromSelf, Schema.String, Schema.Null, Schema.Undefined),
    Schema.UndefinedOr(Schema.String),
    {
      strict: true,
      decode: (input, _, ast) => {
        if (input === null || input === undefined) return ParseResult.succeed(undefined)
        const date = toDate(input)
        return date === undefined ? ParseResult.fail(invalid(ast, input)) : ParseResult.succeed(date.toISOString())
      },
      encode: ParseResult.succeed
    }
  ).annotations({ identifier: "OptionalTimestamp" })

/** The current time from Effect's `Clock`, in the stored form. */
export const now: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString())
