/**
 * The FTS5 index of trajectories (`trajectories_fts`, kept by triggers) is
 * found, checked and rebuilt by the maintenance helpers. SQLite's own: on
 * PostgreSQL the `search` tsvector is a generated column, with nothing to drift.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { coreLayerMemory } from "../../src/Core.js"
import { checkSearchIndexes, rebuildSearchIndexes } from "../../src/maintenance/SearchIndex.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { variant } from "../trajectory/support.js"

const TestLayer = TrajectoryStore.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

describe("the trajectory search index", () => {
  it.effect("is found, checked and rebuilt by the maintenance helpers; drift is detected", () =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const sql = yield* SqlClient.SqlClient
      yield* store.save(variant("x-1", { message: "albatross" }))
      yield* store.save(variant("x-2", { message: "cormorant" }))
      yield* store.save(variant("x-1", { message: "puffin" }))
      const check = (yield* checkSearchIndexes).find((c) => c.table === "trajectories_fts")
      expect(check).toEqual({ table: "trajectories_fts", ok: true })
      expect(yield* rebuildSearchIndexes).toContain("trajectories_fts")
      expect((yield* store.search({ query: "puffin" })).map((h) => h.sessionId)).toEqual(["x-1"])
      // the check can fail: a change behind the triggers' back is reported
      yield* sql`DROP TRIGGER trajectories_fts_update`
      yield* sql`UPDATE trajectories SET search_text = 'gannet' WHERE session_id = 'x-2'`
      const drifted = (yield* checkSearchIndexes).find((c) => c.table === "trajectories_fts")
      expect(drifted?.ok).toBe(false)
    }).pipe(Effect.provide(TestLayer)))
})

