/**
 * The AgentRegistry suite on every backend of test/support/Backends.ts, one
 * new database per test.
 */
import * as Layer from "effect/Layer"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import { backends } from "../support/Backends.js"
import { agentRegistrySuite } from "./agentRegistrySuite.js"

for (const backend of backends) {
  agentRegistrySuite(backend.name, AgentRegistry.DefaultWithoutDependencies.pipe(Layer.provideMerge(backend.core)))
}
