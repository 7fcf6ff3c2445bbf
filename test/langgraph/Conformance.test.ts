/**
 * LangGraph's own conformance suite for checkpoint savers, run against
 * LogbookCheckpointSaver on SQLite, every test of it.
 */
import type { CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation"
import { validate } from "@langchain/langgraph-checkpoint-validation"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { LogbookCheckpointSaver } from "../../src/langgraph/index.js"

// The suite is written against Jest-like globals.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it })

const initializer: CheckpointSaverTestInitializer<LogbookCheckpointSaver> = {
  checkpointerName: "logbook",
  createCheckpointer: () => LogbookCheckpointSaver.open({ url: ":memory:" }),
  destroyCheckpointer: (saver) => saver.close()
}

validate(initializer)
