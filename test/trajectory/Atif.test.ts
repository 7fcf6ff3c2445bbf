import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import {
  ATIF_VERSIONS,
  decodeTrajectory,
  decodeTrajectoryJson,
  isIso8601,
  searchableText,
  summarize,
  type Trajectory,
  TrajectoryInvalid,
  validateTrajectory
} from "../../src/trajectory/Atif.js"

const FIXTURE_URL = new URL("../fixtures/atif/coding-agent.json", import.meta.url)
const FIXTURE_TEXT = readFileSync(FIXTURE_URL, "utf8")

/** A fresh, mutable copy of the fixture. */
const fixture = (): unknown => JSON.parse(FIXTURE_TEXT)

const REMOVE = Symbol("remove")

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Sets (or with REMOVE deletes) the value at a dotted path such as `steps.3.step_id`. */
const setPath = (root: unknown, path: string, value: unknown): void => {
  const keys = path.split(".")
  const last = keys.pop()
  if (last === undefined) throw new Error("empty path")
  let node: unknown = root
  for (const key of keys) {
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined
    if (node === undefined) throw new Error(`no ${key} in ${path}`)
  }
  if (Array.isArray(node)) {
    if (value === REMOVE) node.splice(Number(last), 1)
    else node[Number(last)] = value
  } else if (isRecord(node)) {
    if (value === REMOVE) delete node[last]
    else node[last] = value
  } else {
    throw new Error(`cannot set ${path}`)
  }
}

/** The fixture with some edits applied. */
const edited = (edits: Record<string, unknown>): unknown => {
  const value = fixture()
  for (const [path, v] of Object.entries(edits)) setPath(value, path, v)
  return value
}

const valid = (input: unknown): Trajectory =>
  Either.getOrThrowWith(validateTrajectory(input), (error) => new Error(error.message))

const rejected = (input: unknown): TrajectoryInvalid =>
  Either.match(validateTrajectory(input), {
    onLeft: (error) => error,
    onRight: () => {
      throw new Error("expected the trajectory to be rejected")
    }
  })

describe("fixture", () => {
  it("is owned by the repository, so a fresh clone needs nothing beside it", () => {
    const repository = fileURLToPath(new URL("../../", import.meta.url))
    expect(fileURLToPath(FIXTURE_URL).startsWith(repository)).toBe(true)
  })

  it.effect("decodes, and the stored original round-trips with its extra fields", () =>
    Effect.gen(function* () {
      const input = fixture()
      const trajectory = yield* decodeTrajectory(input)
      expect(trajectory).toBe(input)
      expect(JSON.stringify(trajectory)).toBe(JSON.stringify(JSON.parse(FIXTURE_TEXT)))
      expect(JSON.parse(JSON.stringify(trajectory))).toStrictEqual(JSON.parse(FIXTURE_TEXT))
      expect(trajectory.agent.extra).toStrictEqual({ temperature: 0.2 })
      expect(trajectory.steps[3]?.extra).toStrictEqual({ latency_ms: 4094 })
      expect(trajectory.final_metrics?.extra).toStrictEqual({ resolved: true })
    }))

  it.effect("decodes from JSON text", () =>
    Effect.gen(function* () {
      const trajectory = yield* decodeTrajectoryJson(FIXTURE_TEXT)
      expect(JSON.stringify(trajectory)).toBe(JSON.stringify(JSON.parse(FIXTURE_TEXT)))
      expect(trajectory.schema_version).toBe("ATIF-v1.4")
      expect(trajectory.steps.map((s) => s.step_id)).toStrictEqual([1, 2, 3, 4, 5])
    }))

  it("keeps unknown fields at every level, in their order", () => {
    const input = edited({
      x_vendor: { run: 7 },
      "agent.x_build": "abc",
      "steps.0.x_debug": [1, 2],
      "steps.2.tool_calls.0.x_latency_ms": 12,
      "steps.2.observation.x_note": "n",
      "steps.2.observation.results.0.x_exit_code": 1,
      "steps.2.metrics.reasoning_tokens": 40,
      "final_metrics.x_total": 1
    })
    const text = JSON.stringify(input)
    const trajectory = valid(input)
    expect(JSON.stringify(trajectory)).toBe(text)
  })
})

describe("schema_version", () => {
  it.each(ATIF_VERSIONS)("accepts %s", (version) => {
    expect(valid(edited({ schema_version: version })).schema_version).toBe(version)
  })

  it.each(["ATIF-v2.0", "ATIF-v1.8", "ATIF-v0.9", "1.4", "atif-v1.4", "ATIF-v1.4 ", ""])("rejects %j", (version) => {
    const error = rejected(edited({ schema_version: version }))
    expect(error.issues).toStrictEqual([
      {
        path: "schema_version",
        message: `unsupported ATIF version ${JSON.stringify(version)}; supported: ATIF-v1.0 to ATIF-v1.7`
      }
    ])
  })

  it("rejects a missing version", () => {
    const error = rejected(edited({ schema_version: REMOVE }))
    expect(error.issues).toStrictEqual([{ path: "schema_version", message: "is missing" }])
  })
})

describe("step numbering", () => {
  it("rejects a gap, naming the step and the number expected", () => {
    const error = rejected(edited({ "steps.3.step_id": 5, "steps.4.step_id": 6 }))
    expect(error).toBeInstanceOf(TrajectoryInvalid)
    expect(error._tag).toBe("TrajectoryInvalid")
    expect(error.message).toContain(
      "steps[3].step_id: expected 4 (steps are numbered from 1 without gaps), got 5"
    )
    // steps[4] (numbered 6) only continues the shifted numbering: reported once, at the gap.
    expect(error.issues).toStrictEqual([
      { path: "steps[3].step_id", message: "expected 4 (steps are numbered from 1 without gaps), got 5" }
    ])
  })

  it("reports each break in the numbering", () => {
    const error = rejected(edited({ "steps.3.step_id": 5, "steps.4.step_id": 4 }))
    expect(error.issues).toStrictEqual([
      { path: "steps[3].step_id", message: "expected 4 (steps are numbered from 1 without gaps), got 5" },
      { path: "steps[4].step_id", message: "expected 5 (steps are numbered from 1 without gaps), got 4" }
    ])
  })

  it("rejects a missing step", () => {
    const error = rejected(edited({ "steps.2": REMOVE }))
    expect(error.message).toContain("steps[2].step_id: expected 3 (steps are numbered from 1 without gaps), got 4")
  })

  it("rejects numbering from 0", () => {
    const input = edited({})
    for (let i = 0; i < 5; i++) setPath(input, `steps.${i}.step_id`, i)
    expect(rejected(input).issues).toStrictEqual([
      { path: "steps[0].step_id", message: "expected 1 (steps are numbered from 1 without gaps), got 0" }
    ])
  })

  it("rejects a repeated number and a non-integer", () => {
    expect(rejected(edited({ "steps.1.step_id": 1 })).message).toContain("steps[1].step_id: expected 2")
    expect(rejected(edited({ "steps.1.step_id": 2.5 })).issues).toStrictEqual([
      { path: "steps[1].step_id", message: "expected an integer, got 2.5" }
    ])
    expect(rejected(edited({ "steps.1.step_id": "2" })).issues).toStrictEqual([
      { path: "steps[1].step_id", message: "expected an integer, got \"2\"" }
    ])
  })
})

describe("tool calls and observations", () => {
  it("rejects an observation pointing at an unknown tool call", () => {
    const error = rejected(edited({ "steps.2.observation.results.0.source_call_id": "call_9" }))
    expect(error.message).toContain(
      "steps[2].observation.results[0].source_call_id: \"call_9\" matches no tool call of step 3"
    )
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]?.path).toBe("steps[2].observation.results[0].source_call_id")
  })

  it("rejects an observation pointing at a tool call of another step", () => {
    const error = rejected(edited({ "steps.3.observation.results.1.source_call_id": "call_01" }))
    expect(error.issues).toStrictEqual([
      {
        path: "steps[3].observation.results[1].source_call_id",
        message: "\"call_01\" matches no tool call of step 4 (its tool_call_ids are \"call_02\", \"call_03\")"
      }
    ])
  })

  it("rejects an observation with a call id on a step without tool calls", () => {
    const error = rejected(
      edited({ "steps.4.observation": { results: [{ source_call_id: "call_03", content: "late" }] } })
    )
    expect(error.message).toContain(
      "steps[4].observation.results[0].source_call_id: \"call_03\" matches no tool call of step 5 (step 5 has no tool calls)"
    )
  })

  it("accepts results without a source_call_id, or with null, and system observations", () => {
    const trajectory = valid(
      edited({
        "steps.4.observation": { results: [{ content: "finished" }, { source_call_id: null, content: "ok" }] },
        "steps.0.observation": { results: [{ content: "context reset" }] }
      })
    )
    expect(trajectory.steps[4]?.observation?.results).toHaveLength(2)
  })

  it("rejects a repeated tool_call_id within a step", () => {
    const error = rejected(edited({ "steps.3.tool_calls.1.tool_call_id": "call_02" }))
    expect(error.issues).toContainEqual({
      path: "steps[3].tool_calls[1].tool_call_id",
      message: "\"call_02\" is used by another tool call of step 4"
    })
  })

  it("rejects a tool call without function_name or with arguments that are not an object", () => {
    const error = rejected(
      edited({ "steps.2.tool_calls.0.function_name": REMOVE, "steps.3.tool_calls.0.arguments": "ls -la" })
    )
    expect(error.issues).toStrictEqual([
      { path: "steps[2].tool_calls[0].function_name", message: "is missing" },
      { path: "steps[3].tool_calls[0].arguments", message: "expected an object, got \"ls -la\"" }
    ])
  })

  it("accepts empty arguments", () => {
    expect(valid(edited({ "steps.2.tool_calls.0.arguments": {} })).steps[2]?.tool_calls?.[0]?.arguments).toStrictEqual(
      {}
    )
  })
})

describe("source and agent-only fields", () => {
  it("rejects a source other than system, user or agent", () => {
    const error = rejected(edited({ "steps.1.source": "tool" }))
    expect(error.issues).toStrictEqual([
      { path: "steps[1].source", message: "expected \"system\", \"user\" or \"agent\", got \"tool\"" }
    ])
  })

  it("rejects tool calls on a user step", () => {
    const error = rejected(
      edited({ "steps.1.tool_calls": [{ tool_call_id: "u1", function_name: "bash", arguments: {} }] })
    )
    expect(error.issues).toStrictEqual([
      { path: "steps[1].tool_calls", message: "only agent steps may have tool_calls; this step's source is \"user\"" }
    ])
  })

  it.each(["model_name", "reasoning_effort", "reasoning_content", "metrics"])(
    "rejects %s on a system step",
    (field) => {
      const value = field === "metrics" ? { prompt_tokens: 1 } : "x"
      const error = rejected(edited({ [`steps.0.${field}`]: value }))
      expect(error.issues).toStrictEqual([
        { path: `steps[0].${field}`, message: `only agent steps may have ${field}; this step's source is "system"` }
      ])
    }
  )

  it("treats null agent-only fields as absent", () => {
    valid(edited({ "steps.0.model_name": null, "steps.1.tool_calls": null, "steps.1.metrics": null }))
  })
})

describe("metrics", () => {
  it("rejects negative or fractional token counts and negative costs", () => {
    const error = rejected(
      edited({
        "steps.2.metrics.prompt_tokens": -3,
        "steps.2.metrics.cached_tokens": 1.5,
        "steps.3.metrics.cost_usd": -0.01,
        "final_metrics.total_completion_tokens": -1,
        "final_metrics.total_cost_usd": "free",
        "final_metrics.total_steps": -5
      })
    )
    expect(error.issues).toStrictEqual([
      { path: "steps[2].metrics.prompt_tokens", message: "expected a non-negative integer, got -3" },
      { path: "steps[2].metrics.cached_tokens", message: "expected a non-negative integer, got 1.5" },
      { path: "steps[3].metrics.cost_usd", message: "expected a non-negative number, got -0.01" },
      { path: "final_metrics.total_completion_tokens", message: "expected a non-negative integer, got -1" },
      { path: "final_metrics.total_cost_usd", message: "expected a non-negative number, got \"free\"" },
      { path: "final_metrics.total_steps", message: "expected a non-negative integer, got -5" }
    ])
  })

  it("accepts token ids, logprobs and provider extras", () => {
    valid(
      edited({
        "steps.2.metrics.prompt_token_ids": [1, 2, 3],
        "steps.2.metrics.completion_token_ids": [4, 5],
        "steps.2.metrics.logprobs": [-0.1, -0.02],
        "steps.2.metrics.extra": { cache_creation_input_tokens: 20 }
      })
    )
  })

  it("accepts a total_steps that differs from the number of steps", () => {
    valid(edited({ "final_metrics.total_steps": 9, notes: "four steps were compacted" }))
  })

  it("rejects final_metrics that is not an object", () => {
    expect(rejected(edited({ final_metrics: [1] })).issues).toStrictEqual([
      { path: "final_metrics", message: "expected a final metrics object, got [1]" }
    ])
  })
})

describe("required fields and shapes", () => {
  it("names every missing field", () => {
    const error = rejected(
      edited({ session_id: REMOVE, "agent.version": REMOVE, "steps.1.message": REMOVE, "steps.2.source": REMOVE })
    )
    expect(error.issues).toStrictEqual([
      { path: "session_id", message: "is missing" },
      { path: "agent.version", message: "is missing" },
      { path: "steps[1].message", message: "is missing" },
      { path: "steps[2].source", message: "is missing" }
    ])
    expect(error.message).toBe(
      "invalid ATIF trajectory: session_id: is missing; agent.version: is missing; " +
        "steps[1].message: is missing; steps[2].source: is missing"
    )
  })

  it("accepts an empty message", () => {
    valid(edited({ "steps.4.message": "" }))
  })

  it("rejects a message that is neither text nor content parts", () => {
    expect(rejected(edited({ "steps.0.message": 42 })).issues).toStrictEqual([
      { path: "steps[0].message", message: "expected string or an array of content parts, got 42" }
    ])
  })

  it("rejects input that is not an object, and steps that are not an array", () => {
    expect(rejected(null).issues).toStrictEqual([{ path: "", message: "expected a trajectory object, got null" }])
    expect(rejected([]).message).toBe("invalid ATIF trajectory: expected a trajectory object, got []")
    expect(rejected(edited({ steps: {} })).issues).toStrictEqual([
      { path: "steps", message: "expected an array of steps, got {}" }
    ])
  })

  it.effect("fails JSON text that does not parse", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeTrajectoryJson("{\"schema_version\": "))
      expect(error._tag).toBe("TrajectoryInvalid")
      expect(error.issues).toHaveLength(1)
      expect(error.issues[0]?.path).toBe("")
      expect(error.message).toMatch(/^invalid ATIF trajectory: not valid JSON: /)
    }))

  it.effect("fails through the Effect channel with every issue", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        decodeTrajectory(
          edited({
            "steps.3.step_id": 7,
            "steps.2.observation.results.0.source_call_id": "call_9",
            "steps.0.timestamp": "yesterday"
          })
        )
      )
      expect(error.issues.map((issue) => issue.path)).toStrictEqual([
        "steps[0].timestamp",
        "steps[2].observation.results[0].source_call_id",
        "steps[3].step_id"
      ])
    }))

  it("spells out at most 20 issues in the message but keeps them all", () => {
    const input = edited({})
    const steps = Array.from({ length: 30 }, (_, i) => ({
      step_id: i + 1,
      source: "user",
      message: "m",
      timestamp: `bad-${i}`
    }))
    setPath(input, "steps", steps)
    const error = rejected(input)
    expect(error.issues).toHaveLength(30)
    expect(error.message).toContain("steps[19].timestamp")
    expect(error.message).not.toContain("steps[20].timestamp")
    expect(error.message.endsWith("; and 10 more")).toBe(true)
  })

  it("refuses a trajectory without steps, and an image of a media type ATIF does not list", () => {
    expect(rejected(edited({ steps: [], final_metrics: REMOVE })).message).toContain("steps")
    const image = (media_type: string) =>
      edited({
        schema_version: "ATIF-v1.6",
        steps: [{ step_id: 1, source: "user", message: [{ type: "image", source: { media_type, path: "a.img" } }] }],
        final_metrics: REMOVE
      })
    expect(valid(image("image/webp")).steps).toHaveLength(1)
    expect(rejected(image("image/svg+xml")).message).toContain("media_type")
  })
})

describe("timestamps", () => {
  it.each(["2025-10-11T10:30:00Z", "2025-10-11T10:30:00.123456+02:00", "2025-10-11 10:30:00", "2025-10-11", "2024-02-29T00:00Z"])(
    "accepts %s",
    (timestamp) => {
      expect(isIso8601(timestamp)).toBe(true)
      valid(edited({ "steps.0.timestamp": timestamp }))
    }
  )

  it.each(["yesterday", "", "2025-02-30T10:00:00Z", "2025-13-01", "2025-10-11T25:00:00Z", "11/10/2025"])(
    "rejects %j",
    (timestamp) => {
      expect(rejected(edited({ "steps.1.timestamp": timestamp })).issues).toStrictEqual([
        { path: "steps[1].timestamp", message: `expected an ISO 8601 date-time, got ${JSON.stringify(timestamp)}` }
      ])
    }
  )
})

describe("later versions", () => {
  it("accepts v1.6 multimodal content in messages and observations", () => {
    const trajectory = valid(
      edited({
        schema_version: "ATIF-v1.6",
        "steps.1.message": [
          { type: "text", text: "What is on this screenshot?" },
          { type: "image", source: { media_type: "image/png", path: "images/step-2.png" } }
        ],
        "steps.2.observation.results.0.content": [{ type: "text", text: "screen captured" }]
      })
    )
    expect(searchableText(trajectory)).toContain("What is on this screenshot?")
    expect(searchableText(trajectory)).toContain("images/step-2.png")
  })

  it("rejects malformed content parts", () => {
    const error = rejected(
      edited({
        "steps.1.message": [{ type: "image", text: "no source" }, { type: "video" }],
        "steps.2.observation.results.0.content": [{ type: "text" }]
      })
    )
    expect(error.issues).toStrictEqual([
      { path: "steps[1].message[1].type", message: "expected \"text\" or \"image\", got \"video\"" }
    ])
    const semantic = rejected(
      edited({
        "steps.1.message": [{ type: "image", text: "no source" }],
        "steps.2.observation.results.0.content": [{ type: "text" }]
      })
    )
    expect(semantic.issues).toStrictEqual([
      { path: "steps[1].message[0].source", message: "an image content part needs a source" },
      { path: "steps[1].message[0].text", message: "an image content part has no text" },
      { path: "steps[2].observation.results[0].content[0].text", message: "a text content part needs text" }
    ])
  })

  it("accepts v1.5 and v1.7 fields", () => {
    valid(
      edited({
        schema_version: "ATIF-v1.7",
        trajectory_id: "traj-1",
        continued_trajectory_ref: "part-2.json",
        "agent.tool_definitions": [{ type: "function", function: { name: "bash" } }],
        "steps.2.is_copied_context": false,
        "steps.2.llm_call_count": 1,
        "steps.2.tool_calls.0.extra": { latency_ms: 3 },
        "steps.2.observation.results.0.extra": { exit_code: 1 },
        "steps.2.observation.results.0.subagent_trajectory_ref": [{ trajectory_id: "sub-1" }]
      })
    )
  })

  it("rejects LLM fields on a v1.7 step without LLM calls", () => {
    const error = rejected(edited({ schema_version: "ATIF-v1.7", "steps.2.llm_call_count": 0 }))
    expect(error.issues).toStrictEqual([
      { path: "steps[2].metrics", message: "must be absent when llm_call_count is 0 (a step without an LLM call)" },
      {
        path: "steps[2].reasoning_content",
        message: "must be absent when llm_call_count is 0 (a step without an LLM call)"
      }
    ])
  })

  it("checks embedded subagent trajectories like trajectories of their own", () => {
    const sub = (id: string | undefined, stepIds: ReadonlyArray<number>) => ({
      schema_version: "ATIF-v1.7",
      ...(id === undefined ? {} : { trajectory_id: id }),
      agent: { name: "helper", version: "1" },
      steps: stepIds.map((step_id) => ({ step_id, source: "agent", message: "sub", x_kept: true }))
    })
    const ok = edited({ schema_version: "ATIF-v1.7", subagent_trajectories: [sub("a", [1, 2]), sub("b", [1])] })
    const text = JSON.stringify(ok)
    expect(JSON.stringify(valid(ok))).toBe(text)

    const error = rejected(
      edited({
        schema_version: "ATIF-v1.7",
        subagent_trajectories: [sub("a", [1, 3]), sub(undefined, [1]), sub("a", [1])]
      })
    )
    expect(error.issues).toStrictEqual([
      {
        path: "subagent_trajectories[0].steps[1].step_id",
        message: "expected 2 (steps are numbered from 1 without gaps), got 3"
      },
      { path: "subagent_trajectories[1].trajectory_id", message: "is missing" },
      {
        path: "subagent_trajectories[2].trajectory_id",
        message: "\"a\" is used by another embedded subagent trajectory"
      }
    ])
  })
})

describe("summarize", () => {
  it("summarizes the fixture", () => {
    expect(summarize(valid(fixture()))).toStrictEqual({
      sessionId: "0b6e2f9a-5c1d-4f3e-9a7b-2d8c1e4f6a01",
      schemaVersion: "ATIF-v1.4",
      agentName: "terminus",
      agentVersion: "2.1.0",
      modelName: "claude-sonnet-4-5",
      stepCount: 5,
      firstStepAt: "2026-11-20T09:15:02.120Z",
      lastStepAt: "2026-11-20T09:15:12.330Z",
      totalPromptTokens: 4050,
      totalCompletionTokens: 239,
      totalCostUsd: 0.016
    })
  })

  it("falls back to step metrics and the first step's model", () => {
    const summary = summarize(
      valid(
        edited({
          final_metrics: REMOVE,
          "agent.model_name": REMOVE,
          "steps.0.timestamp": REMOVE,
          "steps.4.timestamp": REMOVE,
          "steps.3.model_name": "other-model"
        })
      )
    )
    expect(summary.modelName).toBe("claude-sonnet-4-5")
    expect(summary.firstStepAt).toBe("2026-11-20T09:15:02.500Z")
    expect(summary.lastStepAt).toBe("2026-11-20T09:15:11.004Z")
    expect(summary.totalPromptTokens).toBe(1840 + 2210)
    expect(summary.totalCompletionTokens).toBe(96 + 143)
    expect(summary.totalCostUsd).toBeCloseTo(0.016, 10)
  })

  it("gives null where nothing is known", () => {
    const input = edited({ final_metrics: REMOVE, "agent.model_name": REMOVE })
    for (let i = 0; i < 5; i++) {
      setPath(input, `steps.${i}.timestamp`, REMOVE)
      if (i >= 2) {
        setPath(input, `steps.${i}.model_name`, REMOVE)
        if (i < 4) setPath(input, `steps.${i}.metrics`, REMOVE)
      }
    }
    const summary = summarize(valid(input))
    expect(summary).toMatchObject({
      modelName: null,
      firstStepAt: null,
      lastStepAt: null,
      totalPromptTokens: null,
      totalCompletionTokens: null,
      totalCostUsd: null,
      stepCount: 5
    })
  })
})

describe("searchableText", () => {
  it("joins messages, reasoning and observation contents of the fixture", () => {
    expect(searchableText(valid(fixture()))).toBe(
      [
        "You are a coding agent working in /app. Tools: bash, read_file, write_file.",
        "Fix the failing test in tests/test_parser.py — the multi-agent config loader rejects keys with a hyphen.",
        "Let me run the test suite first to see the failure.",
        "The loader probably uses a regex like ^[a-z_]+$ for keys.",
        "F\n=== FAILURES ===\nAssertionError: key 'max-steps' rejected by KEY_RE\n1 failed in 0.21s",
        "The key pattern excludes '-'. I'll widen it to allow hyphens and add a regression test.",
        "wrote 42 bytes",
        "14 passed in 0.48s ✅",
        "All 14 tests pass. The config loader now accepts hyphenated keys such as max-steps."
      ].join("\n")
    )
  })

  it("writes non-text content as JSON and leaves out empty pieces", () => {
    const text = searchableText(
      valid(
        edited({
          "steps.0.message": "",
          "steps.2.observation.results.0.content": [
            { type: "image", source: { media_type: "image/png", path: "shot.png" } }
          ]
        })
      )
    )
    expect(text.startsWith("Fix the failing test")).toBe(true)
    expect(text).toContain(JSON.stringify({ type: "image", source: { media_type: "image/png", path: "shot.png" } }))
  })
})

describe("ATIF-v1.7 identity rules (as Harbor's validator)", () => {
  const observed = (version: string, ref: Record<string, unknown>) =>
    edited({
      schema_version: version,
      steps: [
        { step_id: 1, source: "user", message: "delegate" },
        {
          step_id: 2,
          source: "agent",
          message: "delegated",
          observation: { results: [{ content: "done", subagent_trajectory_ref: [ref] }] }
        }
      ],
      final_metrics: REMOVE
    })

  it("accepts a v1.7 root without session_id; an earlier version still needs it", () => {
    expect(valid(edited({ schema_version: "ATIF-v1.7", session_id: REMOVE })).session_id).toBeUndefined()
    expect(rejected(edited({ schema_version: "ATIF-v1.6", session_id: REMOVE })).issues).toStrictEqual([
      { path: "session_id", message: "is missing" }
    ])
  })

  it("refuses a v1.7 subagent reference that has only a session_id; trajectory_id or trajectory_path resolves it", () => {
    expect(rejected(observed("ATIF-v1.7", { session_id: "child" })).issues).toStrictEqual([
      {
        path: "steps[1].observation.results[0].subagent_trajectory_ref[0]",
        message: "an ATIF-v1.7 reference needs trajectory_id or trajectory_path (session_id alone does not resolve)"
      }
    ])
    expect(valid(observed("ATIF-v1.7", { session_id: "child", trajectory_id: "t-child" }))).toBeDefined()
    expect(valid(observed("ATIF-v1.7", { trajectory_path: "child.json" }))).toBeDefined()
    expect(valid(observed("ATIF-v1.6", { session_id: "child" }))).toBeDefined()
  })
})
