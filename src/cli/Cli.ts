/**
 * The `logbook` command line: schema, data and operations commands.
 */
import * as Command from "@effect/cli/Command"
import { logbookVersion } from "../database/Health.js"
import { agentCommands } from "./AgentCommands.js"
import { copyCommand } from "./CopyCommand.js"
import { dataCommands } from "./DataCommands.js"
import { operationCommands } from "./OperationCommands.js"
import { schemaCommands } from "./SchemaCommands.js"
import { uiCommand } from "./UiCommand.js"

/** The root `logbook` command. */
export const logbook = Command.make("logbook").pipe(
  Command.withDescription("durable memory for AI-agent orchestrators"),
  Command.withSubcommands([...schemaCommands, ...dataCommands, ...agentCommands, ...operationCommands, copyCommand, uiCommand])
)

/** Runs the CLI on the given arguments (`process.argv`). */
export const run = Command.run(logbook, { name: "logbook", version: logbookVersion })
