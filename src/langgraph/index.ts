/**
 * `logbook/langgraph`: LangGraph checkpoints on logbook's database.
 *
 * ```ts
 * import { LogbookCheckpointSaver } from "logbook/langgraph"
 * const checkpointer = LogbookCheckpointSaver.open({ url: "./.logbook/logbook.db" }, { keepLast: 20 })
 * const graph = builder.compile({ checkpointer })
 * ```
 */
export { LogbookCheckpointSaver, type LogbookCheckpointSaverOptions } from "./LogbookCheckpointSaver.js"
