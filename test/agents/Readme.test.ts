// The README's AgentRegistry example, as written there, against the package entry point.
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { AgentRegistry, Logbook } from "../../src/index.js"

it.effect("the README's agent registry example runs on the memory layer", () =>
  Effect.gen(function*() {
    const registry = yield* AgentRegistry
    const agent = yield* registry.createAgent({ name: "builder", model: "claude-sonnet-4-5", tools: ["bash"] })
    const session = yield* registry.createSession({ agentId: agent.id, overrides: { permissionMode: "acceptEdits" } })
    const config = yield* registry.effectiveConfig(session.id) // the override where set, else the agent's
    const ask = yield* registry.appendLog(session.id, { role: "user", type: "message", content: "Fix the loader" })
    const call = yield* registry.appendLog(session.id, { role: "agent", type: "action", content: { tool: "bash" }, parentId: ask })
    yield* registry.appendLog(session.id, { role: "tool", type: "observation", content: "15 passed", parentId: call })
    const tree = yield* registry.logTree(session.id) // [ask → [call → [observation]]]

    expect(config).toMatchObject({ model: "claude-sonnet-4-5", tools: ["bash"], permissionMode: "acceptEdits" })
    expect(tree.map((root) => [root.content, root.children.map((c) => [c.content, c.children.map((o) => o.content)])])).toEqual([
      ["Fix the loader", [[{ tool: "bash" }, ["15 passed"]]]]
    ])
  }).pipe(Effect.provide(Logbook.layerMemory)))
