/**
 * Column schemas for decoding rows, one set for every store, accepting what
 * either driver returns: SQLite (better-sqlite3) gives integers as numbers
 * (or bigints), booleans as 0/1, timestamps and JSON as text and blobs as
 * `Buffer`; PostgreSQL gives `bigint`/`numeric` as strings, booleans as
 * booleans, `timestamptz` as `Date`, `jsonb` as parsed values and `bytea`
 * as `Buffer`.
 *
 * @module
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** A number column (`INTEGER`, `REAL`, `bigint`, `numeric`): a number, a numeric string or a bigint. */
export const Num: Schema.Schema<number, number | string | bigint> = Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String, Schema.BigIntFromSelf),
  Schema.Number,
  {
    strict: true,
    decode: (value, _, ast) => {
      if (typeof value === "number") return ParseResult.succeed(value)
      const number = Number(value)
      return typeof value === "string" && (value.trim() === "" || Number.isNaN(number))
        ? ParseResult.fail(new ParseResult.Type(ast, value, "expected a number"))
        : ParseResult.succeed(number)
    },
    encode: ParseResult.succeed
  }
).annotations({ identifier: "NumberColumn" })

/** A boolean column: SQLite's 0/1 or PostgreSQL's `boolean`. */
export const Bool: Schema.Schema<boolean, boolean | 0 | 1> = Schema.transform(
  Schema.Union(Schema.Boolean, Schema.Literal(0, 1)),
  Schema.Boolean,
  { strict: true, decode: (value) => value === true || value === 1, encode: (value) => value }
).annotations({ identifier: "BoolColumn" })

/**
 * A timestamp column: text in the stored form (kept as it is) or a `Date`
 * (a `timestamptz`), given in the stored form `2025-01-31T09:30:00.000Z`.
 */
export const Stamp: Schema.Schema<string, string | Date> = Schema.transform(
  Schema.Union(Schema.String, Schema.DateFromSelf),
  Schema.String,
  { strict: true, decode: (value) => (typeof value === "string" ? value : value.toISOString()), encode: (value) => value }
).annotations({ identifier: "StampColumn" })

/** A JSON column as JSON text: SQLite's text kept as stored, or a value PostgreSQL parsed, serialised. */
export const JsonText: Schema.Schema<string, unknown> = Schema.transform(
  Schema.Unknown,
  Schema.String,
  { strict: true, decode: (value) => (typeof value === "string" ? value : JSON.stringify(value)), encode: (value) => value }
).annotations({ identifier: "JsonTextColumn" })

const parsedJson = Schema.transformOrFail(Schema.Unknown, Schema.Unknown, {
  strict: true,
  decode: (value, _, ast) => {
    if (typeof value !== "string") return ParseResult.succeed(value)
    try {
      return ParseResult.succeed(JSON.parse(value))
    } catch (error) {
      return ParseResult.fail(new ParseResult.Type(ast, value, `expected JSON text: ${String(error)}`))
    }
  },
  encode: (value) => ParseResult.succeed(JSON.stringify(value))
})

/** A JSON column decoded by `schema`: JSON text (parsed first) or a value PostgreSQL parsed already. */
export const Json = <A, I, R>(schema: Schema.Schema<A, I, R>): Schema.Schema<A, unknown, R> =>
  Schema.compose(parsedJson, schema, { strict: false })

/** A blob column (an embedding): a `Buffer` or a `Uint8Array`, read as a `Uint8Array`. */
export const Bytes: Schema.Schema<Uint8Array> = Schema.Uint8ArrayFromSelf
