/**
 * Decoding a page of rows: one synchronous schema run over the whole array,
 * its result an `Either` (itself an effect), instead of an effect per call
 * of `Schema.decodeUnknown`, whose fiber machinery costs as much as the
 * decoding of a 50-row page. For row schemas only (they are synchronous).
 *
 * @module
 */
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** Decodes an array of rows with `row`, failing with the `ParseError` of the first row that does not match. */
export const decodeRows = <A, I>(row: Schema.Schema<A, I>): (rows: unknown) => Either.Either<ReadonlyArray<A>, ParseResult.ParseError> =>
  Schema.decodeUnknownEither(Schema.Array(row))
