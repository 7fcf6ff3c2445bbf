/**
 * The AgentRegistry suite on SQLite: a database file in a fresh folder, and
 * an in-memory database, one new database per test.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as path from "node:path"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import { coreLayer, coreLayerMemory } from "../../src/Core.js"
import { tempDir } from "../support/TempDir.js"
import { agentRegistrySuite } from "./agentRegistrySuite.js"

const sqliteFile = AgentRegistry.DefaultWithoutDependencies.pipe(
  Layer.provideMerge(Layer.unwrapScoped(Effect.map(tempDir, (dir) => coreLayer({ url: path.join(dir, "logbook.db") }))))
)

const sqliteMemory = AgentRegistry.DefaultWithoutDependencies.pipe(Layer.provideMerge(coreLayerMemory))

agentRegistrySuite("SQLite (file)", sqliteFile)
agentRegistrySuite("SQLite (:memory:)", sqliteMemory)
