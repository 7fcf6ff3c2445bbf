import { Command, MemorySaver } from "@langchain/langgraph"
import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { runScript } from "../support/ChildProcess.js"
import { answer, buildGraph, input } from "./graph.js"
import { LogbookCheckpointSaver } from "../../src/langgraph/index.js"

const uninterrupted = async () => {
  const graph = buildGraph(new MemorySaver())
  const config = { configurable: { thread_id: "reference" } }
  await graph.invoke(input, config)
  return graph.invoke(new Command({ resume: answer }), config)
}

describe("LogbookCheckpointSaver with a real StateGraph", () => {
  it("a graph interrupted in a process that is then killed resumes in a new process to the same final state", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logbook-langgraph-"))
    try {
      const url = path.join(dir, "logbook.db")
      const started = await runScript("test/langgraph/graph.ts", ["start", url, "thread-1"], {
        onStdout: (chunk, kill) => {
          if (chunk.includes("INTERRUPTED")) kill()
        }
      })
      expect(started.signal).toBe("SIGKILL")
      expect(started.stdout).toContain(`INTERRUPTED ["approve"]`)

      const resumed = await runScript("test/langgraph/graph.ts", ["resume", url, "thread-1"])
      expect(resumed.stderr).toBe("")
      const line = resumed.stdout.split("\n").find((l) => l.startsWith("FINAL "))
      const final: unknown = JSON.parse(line?.slice("FINAL ".length) ?? "null")
      const reference = await uninterrupted()
      expect(final).toEqual(reference)
      expect(reference).toEqual({ steps: ["input", "plan:0", "approve:yes", "act:3"], total: 111 })

      // The thread's history is in logbook: every step of both processes.
      const saver = LogbookCheckpointSaver.open({ url })
      const history = []
      for await (const tuple of saver.list({ configurable: { thread_id: "thread-1" } })) history.push(tuple)
      await saver.close()
      expect(history.map((t) => t.metadata?.step)).toEqual([3, 2, 1, 0, -1])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
