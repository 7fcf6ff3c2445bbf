/**
 * LangGraph's own conformance suite for checkpoint savers, run against
 * LogbookCheckpointSaver on every backend, every test of it.
 */
import type { CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation"
import { validate } from "@langchain/langgraph-checkpoint-validation"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { LogbookCheckpointSaver } from "../../src/langgraph/index.js"
import { backends } from "../support/Backends.js"

// The suite is written against Jest-like globals.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it })

/** The scope of each saver's fresh database, closed (the database removed) when the saver is destroyed. */
const scopes = new Map<LogbookCheckpointSaver, Scope.CloseableScope>()

for (const backend of backends) {
  const initializer: CheckpointSaverTestInitializer<LogbookCheckpointSaver> = {
    checkpointerName: `logbook on ${backend.name}`,
    createCheckpointer: () =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const url = yield* Scope.extend(backend.url, scope)
        const saver = LogbookCheckpointSaver.open({ url })
        scopes.set(saver, scope)
        return saver
      }).pipe(Effect.runPromise),
    destroyCheckpointer: async (saver) => {
      await saver.close()
      const scope = scopes.get(saver)
      scopes.delete(saver)
      if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
  validate(initializer)
}
