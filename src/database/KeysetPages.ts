/**
 * Keyset paging: reading a long result page by page, each page continuing
 * after the key of the last row of the one before (never `OFFSET` past what
 * was read), so that every page costs the same, memory holds one page, and
 * other work on the connection runs between pages.
 *
 * @module
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** How to read one result by keyset pages. */
export interface KeysetPaging<K, A, E, R> {
  /**
   * Up to `size` rows in the result's order: those after the row whose key
   * is `after`, or the first ones when `after` is `undefined`.
   */
  readonly page: (after: K | undefined, size: number) => Effect.Effect<ReadonlyArray<A>, E, R>
  /** The key of a row, which the next page continues after. */
  readonly keyOf: (row: A) => K
  /** Rows per page. */
  readonly pageSize: number
  /** The most rows read in all; every row of the result when left out. */
  readonly limit?: number | undefined
}

interface PageState<K> {
  readonly after: K | undefined
  readonly remaining: number
}

/**
 * The rows of a result as a stream of its pages (none empty), read one
 * statement each as {@link KeysetPaging} says. The stream ends after a page
 * shorter than asked for, or once `limit` rows were read.
 */
export const keysetPages = <K, A, E, R>(paging: KeysetPaging<K, A, E, R>): Stream.Stream<Chunk.Chunk<A>, E, R> =>
  Stream.unfoldEffect<PageState<K>, Chunk.Chunk<A>, E, R>(
    { after: undefined, remaining: paging.limit ?? Number.POSITIVE_INFINITY },
    (state) => {
      if (state.remaining <= 0) return Effect.succeed(Option.none())
      const size = Math.min(paging.pageSize, state.remaining)
      return Effect.map(paging.page(state.after, size), (rows) => {
        const last = rows.at(-1)
        if (last === undefined) return Option.none()
        const next: PageState<K> = {
          after: paging.keyOf(last),
          remaining: rows.length < size ? 0 : state.remaining - rows.length
        }
        return Option.some([Chunk.fromIterable(rows), next] as const)
      })
    }
  )
