/**
 * The `logbook` command line: schema, data and operations commands. A command
 * loads only the module of its own group (`logbook status` never loads the
 * stores, the web UI or the demo); help, completions and unknown commands
 * load them all.
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import { logbookVersion } from "../database/Health.js"

const root = Command.make("logbook").pipe(Command.withDescription("durable memory for AI-agent orchestrators"))

const config = { name: "logbook", version: logbookVersion() }

export type Group = "schema" | "data" | "agents" | "operations" | "copy" | "ui"

/** The groups of commands, each with the names of its top-level commands. */
export const groups: ReadonlyArray<readonly [Group, ReadonlyArray<string>]> = [
  ["schema", ["migrate", "status", "rollback", "verify", "new"]],
  ["data", ["audit", "lessons", "traces", "stats", "trajectories"]],
  ["agents", ["agents", "sessions"]],
  ["operations", ["prune", "storage", "vacuum", "doctor", "backup", "demo"]],
  ["copy", ["copy"]],
  ["ui", ["ui"]]
]

const groupOf = (name: string | undefined): Group | undefined =>
  groups.find(([, names]) => name !== undefined && names.includes(name))?.[0]

const load = <A>(module: () => Promise<A>) => Effect.promise(module)

/** Runs the CLI on the given arguments (`process.argv`). */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<void, unknown, CliApp.CliApp.Environment> => {
  switch (groupOf(argv[2])) {
    case "schema":
      return Effect.flatMap(load(() => import("./SchemaCommands.js")), ({ schemaCommands }) =>
        Command.run(root.pipe(Command.withSubcommands(schemaCommands)), config)(argv))
    case "data":
      return Effect.flatMap(load(() => import("./DataCommands.js")), ({ dataCommands }) =>
        Command.run(root.pipe(Command.withSubcommands(dataCommands)), config)(argv))
    case "agents":
      return Effect.flatMap(load(() => import("./AgentCommands.js")), ({ agentCommands }) =>
        Command.run(root.pipe(Command.withSubcommands(agentCommands)), config)(argv))
    case "operations":
      return Effect.flatMap(load(() => import("./OperationCommands.js")), ({ operationCommands }) =>
        Command.run(root.pipe(Command.withSubcommands(operationCommands)), config)(argv))
    case "copy":
      return Effect.flatMap(load(() => import("./CopyCommand.js")), ({ copyCommand }) =>
        Command.run(root.pipe(Command.withSubcommands([copyCommand])), config)(argv))
    case "ui":
      return Effect.flatMap(load(() => import("./UiCommand.js")), ({ uiCommand }) =>
        Command.run(root.pipe(Command.withSubcommands([uiCommand])), config)(argv))
    case undefined:
      return Effect.flatMap(
        load(() =>
          Promise.all([
            import("./SchemaCommands.js"),
            import("./DataCommands.js"),
            import("./AgentCommands.js"),
            import("./OperationCommands.js"),
            import("./CopyCommand.js"),
            import("./UiCommand.js")
          ])
        ),
        ([{ schemaCommands }, { dataCommands }, { agentCommands }, { operationCommands }, { copyCommand }, { uiCommand }]) =>
          Command.run(
            root.pipe(
              Command.withSubcommands([...schemaCommands, ...dataCommands, ...agentCommands, ...operationCommands, copyCommand, uiCommand])
            ),
            config
          )(argv)
      )
  }
}
