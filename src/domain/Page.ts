/**
 * The page rule every listing shares: `limit` is a whole number from 1 to
 * {@link MAX_PAGE_LIMIT}, `offset` a whole number from 0 to
 * `Number.MAX_SAFE_INTEGER`, when given. Anything else (-5, NaN, 1.5,
 * Infinity, 1e300, 0 rows) is a `ValidationError`, never clamped into some
 * other page.
 */
import * as Schema from "effect/Schema"

/** The largest page any listing returns. */
export const MAX_PAGE_LIMIT = 10_000

/** At most this many. */
export const Limit = Schema.Int.pipe(Schema.between(1, MAX_PAGE_LIMIT)).annotations({
  identifier: "Limit",
  message: () => `expected a whole number from 1 to ${MAX_PAGE_LIMIT.toLocaleString("en-US")}`
})

/** Skip this many first. */
export const Offset = Schema.Int.pipe(Schema.between(0, Number.MAX_SAFE_INTEGER)).annotations({
  identifier: "Offset",
  message: () => "expected a whole number of 0 or more"
})

/** A page of a listing. */
export const Page = Schema.Struct({
  /** At most this many. */
  limit: Schema.optional(Limit),
  /** Skip this many first. */
  offset: Schema.optional(Offset)
})
export type Page = typeof Page.Type
