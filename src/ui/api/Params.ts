/**
 * URL parameter forms shared by the UI's endpoints: page sizes and opaque
 * keyset cursors.
 */
import * as Schema from "effect/Schema"

/** A page size in a URL: a whole number from 1 to `max`. */
export const PageSize = (max: number) => Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, max))

/** A keyset cursor as an opaque URL-safe string: the JSON of `schema`, base64url-encoded. */
export const Cursor = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.compose(Schema.StringFromBase64Url, Schema.parseJson(schema)).annotations({
    description: "an opaque cursor returned as `next` by the previous page"
  })
