/**
 * Decoding a page of rows: one synchronous schema run over the whole array,
 * its result an `Either` (itself an effect), instead of an effect per call
 * of `Schema.decodeUnknown`, whose fiber machinery costs as much as the
 * decoding of a 50-row page. For row schemas only (they are synchronous).
 *
 * A hot read may add a plain-code reader of its rows in their common shape
 * (what SQLite returns for well-formed stored data): the schema then runs
 * only for a page where that reader declines a row. Such a reader accepts
 * only what the schema accepts and yields what the schema yields; its
 * column checks are below.
 *
 * @module
 */
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { onFirstCall } from "../domain/OnFirstCall.js"

/**
 * Decodes an array of rows with `row`, failing with the `ParseError` of the
 * first row that does not match; the parser is compiled at the first call.
 */
export const decodeRows = <A, I>(row: Schema.Schema<A, I>): (rows: unknown) => Either.Either<ReadonlyArray<A>, ParseResult.ParseError> =>
  onFirstCall(() => Schema.decodeUnknownEither(Schema.Array(row)))

/** What a common-shape reader returns for a row it leaves to the schema. */
export const DECLINED: unique symbol = Symbol("declined")

/** `common` of one row, or {@link DECLINED} when the row is not an object. */
const readCommon = <A>(common: (row: Readonly<Record<string, unknown>>) => A | typeof DECLINED, row: unknown) =>
  typeof row === "object" && row !== null ? common(row as Readonly<Record<string, unknown>>) : DECLINED

/**
 * Decodes a page with `common`, row by row; if it declines any row, the
 * whole page goes to `page` (the schema), which then decides and reports.
 */
export const decodeCommonRows = <A>(
  common: (row: Readonly<Record<string, unknown>>) => A | typeof DECLINED,
  page: (rows: unknown) => Either.Either<ReadonlyArray<A>, ParseResult.ParseError>
) =>
(rows: unknown): Either.Either<ReadonlyArray<A>, ParseResult.ParseError> => {
  if (!Array.isArray(rows)) return page(rows)
  const decoded: Array<A> = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const value = readCommon(common, rows[i])
    if (value === DECLINED) return page(rows)
    decoded[i] = value
  }
  return Either.right(decoded)
}

/**
 * Decodes the one row of a statement that returns exactly one (its schema a
 * one-element `Tuple`) with `common`; rows of any other shape go to `tuple`
 * (the schema), which then decides and reports.
 */
export const decodeCommonRow = <A>(
  common: (row: Readonly<Record<string, unknown>>) => A | typeof DECLINED,
  tuple: (rows: unknown) => Either.Either<readonly [A], ParseResult.ParseError>
) =>
(rows: unknown): Either.Either<readonly [A], ParseResult.ParseError> => {
  if (!Array.isArray(rows) || rows.length !== 1) return tuple(rows)
  const value = readCommon(common, rows[0])
  return value === DECLINED ? tuple(rows) : Either.right([value])
}

/** A nullable text column (`NullOr(String)`). */
export const isNullableText = (value: unknown): value is string | null => value === null || typeof value === "string"

/** JSON text parsed, or {@link DECLINED} when it is not text or not JSON. */
export const parsedJson = (value: unknown): unknown => {
  if (typeof value !== "string") return DECLINED
  try {
    return JSON.parse(value)
  } catch {
    return DECLINED
  }
}

/** A plain object JSON gave (no `__proto__` member, which a schema copy would not keep as a member). */
const isJsonObject = (value: unknown): value is { readonly [key: string]: unknown } =>
  typeof value === "object" && value !== null && !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, "__proto__")

/** A JSON object column: its text parsed to a plain object (see `isJsonObject`), or {@link DECLINED}. */
export const parsedJsonObject = (value: unknown): { readonly [key: string]: unknown } | typeof DECLINED => {
  const parsed = parsedJson(value)
  return isJsonObject(parsed) ? parsed : DECLINED
}
