/**
 * A 3-node LangGraph StateGraph whose middle node waits for a human answer
 * (an interrupt), run in a child process by the resume spec:
 *
 *   graph.ts start  DB THREAD   runs until the interrupt, prints INTERRUPTED, then waits to be killed
 *   graph.ts resume DB THREAD   resumes the thread with the answer, prints FINAL <state json>
 */
import { Annotation, Command, END, interrupt, START, StateGraph } from "@langchain/langgraph"
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint"
import { LogbookCheckpointSaver } from "../../src/langgraph/index.js"

const State = Annotation.Root({
  steps: Annotation<Array<string>>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  total: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 })
})

/** The graph: plan -> approve (interrupts for an answer) -> act. */
export const buildGraph = (checkpointer: BaseCheckpointSaver) =>
  new StateGraph(State)
    .addNode("plan", (state) => ({ steps: [`plan:${state.total}`], total: 1 }))
    .addNode("approve", () => {
      const answer: string = interrupt({ question: "go ahead?" })
      return { steps: [`approve:${answer}`], total: 10 }
    })
    .addNode("act", (state) => ({ steps: [`act:${state.steps.length}`], total: 100 }))
    .addEdge(START, "plan")
    .addEdge("plan", "approve")
    .addEdge("approve", "act")
    .addEdge("act", END)
    .compile({ checkpointer })

export const input = { steps: ["input"], total: 0 }
export const answer = "yes"

const main = async (mode: string, url: string, threadId: string) => {
  const saver = LogbookCheckpointSaver.open({ url })
  const graph = buildGraph(saver)
  const config = { configurable: { thread_id: threadId } }
  if (mode === "start") {
    await graph.invoke(input, config)
    const snapshot = await graph.getState(config)
    process.stdout.write(`INTERRUPTED ${JSON.stringify(snapshot.next)}\n`)
    // Stays alive with the database open until the spec kills it.
    setInterval(() => undefined, 1000)
  } else {
    const final = await graph.invoke(new Command({ resume: answer }), config)
    process.stdout.write(`FINAL ${JSON.stringify(final)}\n`)
    await saver.close()
  }
}

if (process.argv[1]?.endsWith("graph.ts") && process.argv.length >= 5) {
  void main(process.argv[2], process.argv[3], process.argv[4])
}
