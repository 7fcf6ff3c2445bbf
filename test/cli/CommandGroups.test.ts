import * as Descriptor from "@effect/cli/CommandDescriptor"
import { describe, expect, it } from "@effect/vitest"
import { agentCommands } from "../../src/cli/AgentCommands.js"
import { copyCommand } from "../../src/cli/CopyCommand.js"
import { type Group, groups } from "../../src/cli/Cli.js"
import { dataCommands } from "../../src/cli/DataCommands.js"
import { operationCommands } from "../../src/cli/OperationCommands.js"
import { schemaCommands } from "../../src/cli/SchemaCommands.js"
import { uiCommand } from "../../src/cli/UiCommand.js"

const nameOf = (command: { readonly descriptor: Descriptor.Command<unknown> }) => [...Descriptor.getNames(command.descriptor)][0]

const defined: Record<Group, ReadonlyArray<string | undefined>> = {
  schema: schemaCommands.map(nameOf),
  data: dataCommands.map(nameOf),
  agents: agentCommands.map(nameOf),
  operations: operationCommands.map(nameOf),
  copy: [nameOf(copyCommand)],
  ui: [nameOf(uiCommand)]
}

describe("logbook command groups", () => {
  it("routes every top-level command to the module that defines it, and only those", () => {
    expect(Object.fromEntries(groups)).toEqual(defined)
  })
})
