import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { NearestPageSize } from "../../src/records/Nearest.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { grown, random, tiny } from "./support.js"
import { expectFailure } from "../records/support.js"
import { describeBackends } from "../support/Backends.js"

describeBackends("TrajectoryStore.similar", ({ core }) => {
const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))

const DIM = 24

/** Rows per page of the scan in these specs: the brute-force check crosses several pages with a few dozen rows. */
const PAGE = 10

/** Cosine similarity in double precision, for the brute-force reference. */
const cosine = (a: Float32Array, b: Float32Array): number => {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return dot / Math.sqrt(na * nb)
}

describe("TrajectoryStore.similar", () => {
  it.effect("returns the true nearest neighbours, checked by brute force over a random set", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const sql = yield* SqlClient.SqlClient
      const next = random(7)
      const vector = (dim: number) => Float32Array.from({ length: dim }, () => next() * 2 - 1)
      // Three full pages of candidates and a partial one, plus rows the search must leave out.
      const count = PAGE * 3 + 7
      const stored = new Map<string, Float32Array>()
      // Stored in one transaction: one commit instead of one per trajectory.
      yield* sql.withTransaction(Effect.gen(function*() {
        for (let i = 0; i < count; i++) {
          const id = `s-${i}`
          const embedding = vector(DIM)
          stored.set(id, embedding)
          yield* store.save(tiny(id, `vector number ${i}`), { embedding })
        }
      }))
      yield* store.save(tiny("no-embedding"))
      yield* store.save(tiny("other-dimension"), { embedding: vector(DIM / 2) })
      yield* store.save(tiny("zero-vector"), { embedding: new Float32Array(DIM) })

      const started = performance.now()
      let queries = 0
      // k below a page, equal to one, spanning pages within the set, and beyond the set.
      for (const k of [1, 3, 10, 25, 50, 1000]) {
        for (let q = 0; q < 4; q++) {
          const query = vector(DIM)
          const hits = yield* store.similar(query, { k })
          queries++
          const expected = [...stored]
            .map(([id, v]) => ({ id, score: cosine(query, v) }))
            .sort((a, b) => b.score - a.score)
            .slice(0, k)
          expect(hits.map((h) => h.sessionId)).toEqual(expected.map((e) => e.id))
          hits.forEach((hit, i) => expect(hit.rank).toBeCloseTo(1 - expected[i]!.score, 6))
          expect(hits[0]).toMatchObject({ agentName: "tiny", hasEmbedding: true })
          expect(hits[0]!.snippet).toContain("vector number")
        }
      }
      console.log(`similar over ${count} embeddings of ${DIM} dimensions: ${((performance.now() - started) / queries).toFixed(1)} ms a query`)

      // a stored vector is its own nearest neighbour; arrays of numbers are accepted too
      const own = yield* store.similar(Array.from(stored.get("s-17")!), { k: 1 })
      expect(own.map((h) => h.sessionId)).toEqual(["s-17"])
      expect(own[0]!.rank).toBeCloseTo(0, 6)
      // other dimensions are compared among themselves only
      const half = yield* store.similar(vector(DIM / 2), { k: 5 })
      expect(half.map((h) => h.sessionId)).toEqual(["other-dimension"])
      expect(yield* store.similar(vector(7), { k: 5 })).toEqual([])
    }).pipe(Effect.provideService(NearestPageSize, PAGE), Effect.provide(TestLayer)))

  it.effect("invalid queries are ValidationErrors", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      for (const [embedding, k, path] of [
        [new Float32Array(4), 3, "embedding"],
        [new Float32Array(0), 3, "embedding"],
        [[1, Number.NaN], 3, "embedding[1]"],
        [[1, 2], 0, "k"],
        [[1, 2], 1.5, "k"],
        [[1, 2], 1_000_000, "k"]
      ] as const) {
        const error = yield* expectFailure(store.similar(embedding, { k }), "ValidationError")
        expect(error.issues[0]?.path).toBe(path)
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an embedding is replaced when given and kept when a save has none", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      yield* store.save(tiny("e"), { embedding: [1, 0, 0] })
      yield* store.save(grown("e", "changed text"))
      expect(Option.getOrThrow(yield* store.get("e")).hasEmbedding).toBe(true)
      expect((yield* store.similar([1, 0, 0], { k: 1 }))[0]!.rank).toBeCloseTo(0, 6)
      yield* store.save(tiny("e"), { embedding: [0, 1, 0] })
      expect((yield* store.similar([1, 0, 0], { k: 1 }))[0]!.rank).toBeCloseTo(1, 6)
      yield* store.save(tiny("f"), { embedding: [0, 0, 2] })
      expect((yield* store.similar([0, 0, 1], { k: 2 })).map((h) => h.sessionId)).toEqual(["f", "e"])
    }).pipe(Effect.provide(TestLayer)))
})
})
