/**
 * One turn of a conversation with an OpenAI Agents SDK agent whose model is
 * a local fake (no network), its session in logbook, run in a child
 * process by the session spec:
 *
 *   conversation.ts DB SESSION TEXT   prints REPLY <final output>
 */
import { Agent, type AgentInputItem, type Model, type ModelRequest, type ModelResponse, Runner, Usage } from "@openai/agents-core"
import { LogbookSession } from "../../src/openai-agents/index.js"

const textOf = (item: AgentInputItem): string => {
  if (!("role" in item) || item.role !== "user") return ""
  if (typeof item.content === "string") return item.content
  return item.content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("")
}

/** Answers from the conversation it is given: remembers a name told earlier, counts the user turns. */
export const fakeModel: Model = {
  getResponse: (request: ModelRequest): Promise<ModelResponse> => {
    const items: Array<AgentInputItem> = typeof request.input === "string"
      ? [{ role: "user", content: request.input }]
      : request.input
    const said = items.map(textOf).filter((text) => text !== "")
    const named = said.map((text) => /my name is (\w+)/i.exec(text)?.[1]).find((name) => name !== undefined)
    const last = said[said.length - 1] ?? ""
    const text = /what is my name/i.test(last)
      ? `Your name is ${named ?? "unknown"} (turn ${said.length})`
      : `Nice to meet you (turn ${said.length})`
    return Promise.resolve({
      usage: new Usage(),
      output: [{
        type: "message",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text }]
      }]
    })
  },
  getStreamedResponse: () => {
    throw new Error("the fake model does not stream")
  }
}

const main = async (url: string, sessionId: string, text: string) => {
  const session = LogbookSession.open({ url }, { sessionId })
  const agent = new Agent({ name: "assistant", instructions: "Be brief.", model: fakeModel })
  const result = await new Runner({ tracingDisabled: true }).run(agent, text, { session })
  process.stdout.write(`REPLY ${String(result.finalOutput)}\n`)
  await session.close()
}

if (process.argv[1]?.endsWith("conversation.ts") && process.argv.length >= 5) {
  void main(process.argv[2], process.argv[3], process.argv[4])
}
