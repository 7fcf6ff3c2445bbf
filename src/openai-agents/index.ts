/**
 * `logbook/openai-agents`: OpenAI Agents SDK sessions on logbook's database.
 *
 * ```ts
 * import { LogbookSession } from "logbook/openai-agents"
 * const session = LogbookSession.open({ url: "./.logbook/logbook.db" }, { sessionId: "support-42" })
 * await run(agent, "Hello", { session })
 * ```
 */
export { LogbookSession, type LogbookSessionOptions } from "./LogbookSession.js"
