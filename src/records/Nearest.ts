/**
 * Exact k-nearest-neighbour search by cosine similarity over stored
 * embeddings, read page by page (keyset pagination on `seq`) so that memory
 * stays bounded by one page plus a heap of `k` entries.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { cosine, norm } from "./Embedding.js"

/** A stored row's position and its cosine similarity to the query. */
export interface Neighbour {
  readonly seq: number
  readonly score: number
}

/** One stored embedding, as a page of the scan returns it. */
export interface StoredVector {
  readonly seq: number
  readonly embedding: Float32Array
}

/** Rows read per page by default. */
export const PAGE_SIZE = 1024

/**
 * Rows read per page of the scan ({@link PAGE_SIZE} unless provided): a
 * smaller page lets a spec cross page boundaries with a few dozen rows.
 */
export class NearestPageSize extends Context.Reference<NearestPageSize>()("logbook/NearestPageSize", {
  defaultValue: (): number => PAGE_SIZE
}) {}

/** `a` ranks below `b`: a lower score, or the same score and a later row. */
const worse = (a: Neighbour, b: Neighbour): boolean => a.score < b.score || (a.score === b.score && a.seq > b.seq)

/** The `k` best neighbours seen so far: a binary heap with the worst kept at the root. */
export class TopK {
  private readonly heap: Array<Neighbour> = []
  constructor(readonly k: number) {}

  offer(candidate: Neighbour): void {
    const heap = this.heap
    if (heap.length < this.k) {
      heap.push(candidate)
      let i = heap.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!worse(heap[i]!, heap[parent]!)) break
        ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
        i = parent
      }
      return
    }
    if (this.k === 0 || !worse(heap[0]!, candidate)) return
    heap[0] = candidate
    let i = 0
    while (true) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left
      if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right
      if (smallest === i) break
      ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
      i = smallest
    }
  }

  /** The neighbours kept, best first (highest score; ties by earlier row). */
  sorted(): ReadonlyArray<Neighbour> {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0))
  }
}

/**
 * The `k` stored vectors most similar to `query` (cosine similarity, exact),
 * best first. `page(afterSeq, size)` returns up to `size` stored vectors with
 * `seq > afterSeq` in ascending `seq` order and the same dimension as the
 * query; vectors of zero norm are skipped. `query` must have a non-zero norm.
 */
export const nearest = <E, R>(
  query: Float32Array,
  k: number,
  page: (afterSeq: number, size: number) => Effect.Effect<ReadonlyArray<StoredVector>, E, R>
): Effect.Effect<ReadonlyArray<Neighbour>, E, R> =>
  Effect.gen(function*() {
    const pageSize = yield* NearestPageSize
    const top = new TopK(k)
    const queryNorm = norm(query)
    let after = -1
    while (true) {
      const rows = yield* page(after, pageSize)
      for (const row of rows) {
        if (row.embedding.length !== query.length) continue
        const score = cosine(query, queryNorm, row.embedding)
        if (score !== undefined) top.offer({ seq: row.seq, score })
      }
      if (rows.length < pageSize) break
      after = rows[rows.length - 1]!.seq
    }
    return top.sorted()
  })
