/**
 * The page rule every listing shares: `limit` and `offset` are whole numbers
 * of 0 or more when given. Anything else (-5, NaN, 1.5, Infinity) is a
 * `ValidationError`, never clamped into some other page.
 */
import * as Schema from "effect/Schema"

/** A page of a listing. */
export const Page = Schema.Struct({
  /** At most this many. */
  limit: Schema.optional(Schema.NonNegativeInt),
  /** Skip this many first. */
  offset: Schema.optional(Schema.NonNegativeInt)
})
export type Page = typeof Page.Type
