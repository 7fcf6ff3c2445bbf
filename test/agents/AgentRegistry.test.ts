/**
 * The AgentRegistry suite on every backend of test/support/Backends.ts, one
 * new database per test.
 */
import * as Layer from "effect/Layer"
import { AgentRegistry } from "../../src/AgentRegistry.js"
import { describeBackends } from "../support/Backends.js"
import { agentRegistrySuite } from "./agentRegistrySuite.js"

describeBackends("AgentRegistry", ({ core }) => agentRegistrySuite(AgentRegistry.DefaultWithoutDependencies.pipe(Layer.provideMerge(core))))
