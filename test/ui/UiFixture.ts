/**
 * The UI's test fixture: a file database holding the demo run, a failed run,
 * a trajectory whose messages carry HTML and scripts, and a second
 * checkpoint; with the UI server listening on a free loopback port.
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as path from "node:path"
import { type DemoSummary, runDemo } from "../../src/cli/Demo.js"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as Logbook from "../../src/Logbook.js"
import { StateStore } from "../../src/StateStore.js"
import { TrajectoryStore } from "../../src/TrajectoryStore.js"
import { uiServer } from "../../src/ui/Server.js"
import { tempDir } from "../support/TempDir.js"

/** Strings that would run script if they were ever rendered as HTML. */
export const HOSTILE = {
  script: "<script>window.__pwned = 1</script>",
  img: "<img src=x onerror=\"window.__pwned = 2\">",
  link: "<a href=\"javascript:window.__pwned = 3\">click me</a> and [md](javascript:window.__pwned=4)",
  reasoning: "<svg onload=\"window.__pwned = 5\"></svg>",
  observation: "<iframe src=\"javascript:window.__pwned = 6\"></iframe>"
} as const

/** The session id of the hostile trajectory. */
export const HOSTILE_SESSION = "hostile-session"

/** What the fixture holds. */
export interface UiFixtureValue {
  readonly baseUrl: string
  readonly database: string
  readonly demo: DemoSummary
  readonly failedRunId: string
  readonly secondCheckpoint: string
}

/** The fixture's tag. */
export class UiFixture extends Context.Tag("test/UiFixture")<UiFixture, UiFixtureValue>() {}

const seed = Effect.gen(function*() {
  const demo = yield* runDemo
  const tracker = yield* ExecutionTracker
  const state = yield* StateStore
  const trajectories = yield* TrajectoryStore
  const failed = yield* tracker.startTrace({ projectId: "ops", taskId: "task-failing", prompt: HOSTILE.script, agentId: "deployer" })
  yield* tracker.recordInvocation({ traceId: failed.id, agent: "deployer", outcome: "failure", error: "exit code 3" })
  yield* tracker.recordLlmUsage({ provider: "openai", model: "gpt-test", agent: "deployer", traceId: failed.id, error: "rate limited", inputTokens: 10 })
  yield* tracker.recordEvent(failed.id, { type: "deploy.error", data: { html: HOSTILE.img } })
  yield* tracker.completeTrace(failed.id, { success: false, error: "deploy failed: " + HOSTILE.img })
  const checkpoint = yield* state.checkpoint(demo.taskId, { context: { goal: "changed goal", extra: [1, 2] } })
  yield* trajectories.save({
    schema_version: "ATIF-v1.6",
    session_id: HOSTILE_SESSION,
    agent: { name: "hostile-agent", version: "1.0" },
    steps: [
      { step_id: 1, source: "user", message: HOSTILE.script },
      {
        step_id: 2,
        source: "agent",
        message: `${HOSTILE.img} ${HOSTILE.link}`,
        reasoning_content: HOSTILE.reasoning,
        tool_calls: [{ tool_call_id: "call-1", function_name: "<b>shell</b>", arguments: { cmd: HOSTILE.script } }],
        observation: { results: [{ source_call_id: "call-1", content: HOSTILE.observation }] },
        metrics: { prompt_tokens: 12, completion_tokens: 3, cost_usd: 0.001 }
      }
    ]
  })
  yield* Logbook.flush
  return { demo, failedRunId: failed.id, secondCheckpoint: checkpoint.id }
})

/** The fixture, with the built front end of `assets` (the package's own by default). */
export const uiFixture = (assets?: string) =>
  Layer.scoped(
    UiFixture,
    Effect.gen(function*() {
      const dir = yield* tempDir
      const database = path.join(dir, "logbook.db")
      const stores = yield* Layer.build(Logbook.layer({ url: database }))
      const seeded = yield* Effect.provide(seed, stores)
      const server = yield* Layer.build(uiServer({ port: 0, host: "127.0.0.1", assets })).pipe(Effect.provide(stores))
      const address = Context.get(server, HttpServer.HttpServer).address
      if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("the UI server is not on TCP")
      return { baseUrl: `http://127.0.0.1:${address.port}`, database, ...seeded }
    })
  )
