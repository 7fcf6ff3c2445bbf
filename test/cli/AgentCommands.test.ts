import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { logbook, oneLineError } from "../support/Cli.js"

interface Agent {
  readonly id: string
  readonly name: string
  readonly permissionMode: string
  readonly tools: Array<string>
}
interface Session {
  readonly id: string
  readonly agentId: string
  readonly name: string
  readonly status: string
}
interface Node {
  readonly id: number
  readonly parentId?: number
  readonly role: string
  readonly type: string
  readonly content: unknown
  readonly children: Array<Node>
}

describe("logbook agents and sessions", () => {
  let dir = ""
  let url = ""
  let agents: Array<Agent> = []
  let sessions: Array<Session> = []
  let builder: Agent
  let building: Session

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "logbook-cli-agents-"))
    url = path.join(dir, "logbook.db")
    for (let run = 0; run < 2; run++) {
      const demo = await logbook(["demo", "--database", url, "--json"])
      expect(demo.code, demo.stderr).toBe(0)
    }
    const [listed, sessionList] = await Promise.all([
      logbook(["agents", "list", "--json", "--database", url]),
      logbook(["sessions", "list", "--json", "--database", url])
    ])
    expect(listed.code, listed.stderr).toBe(0)
    expect(sessionList.code, sessionList.stderr).toBe(0)
    agents = JSON.parse(listed.stdout)
    sessions = JSON.parse(sessionList.stdout)
    builder = agents.find((agent) => agent.name === "builder")!
    building = sessions.find((session) => session.agentId === builder.id)!
  }, 120_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("agents list and show: the demo's three agents, registered once, each with a session per run", async () => {
    expect(agents.map((agent) => [agent.name, agent.permissionMode, agent.tools])).toEqual([
      ["planner", "readOnly", []],
      ["builder", "acceptEdits", ["write_file"]],
      ["tester", "readOnly", ["bash"]]
    ])
    expect(sessions).toHaveLength(6)
    expect(sessions.every((session) => session.status === "completed")).toBe(true)

    const [table, show, showJson, missing] = await Promise.all([
      logbook(["agents", "list", "--database", url]),
      logbook(["agents", "show", builder.id, "--database", url]),
      logbook(["agents", "show", builder.id, "--json", "--database", url]),
      logbook(["agents", "show", "no-such-agent", "--database", url])
    ])
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/^ID\s+NAME\s+MODEL\s+PERMISSIONS\s+TOOLS\s+CREATED$/m)
    expect(table.stdout).toMatch(new RegExp(`^${builder.id}\\s+builder\\s+claude-sonnet-4-5\\s+acceptEdits\\s+write_file\\s`, "m"))

    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toMatch(/^name\s+builder$/m)
    expect(show.stdout).toMatch(/^permissions\s+acceptEdits$/m)
    expect(show.stdout).toMatch(/^paths\s+\/app$/m)
    expect(show.stdout).toContain("Sessions (newest first):")
    const details: { agent: Agent; sessions: Array<Session> } = JSON.parse(showJson.stdout)
    expect(details.agent).toEqual(builder)
    expect(details.sessions.map((session) => session.agentId)).toEqual([builder.id, builder.id])

    expect(missing.code).toBe(1)
    expect(oneLineError(missing)).toBe("logbook: NotFound: agent no-such-agent not found")
  }, 120_000)

  it("sessions list filters by agent and status; show gives the session with its effective configuration", async () => {
    const [byAgent, idle, table, show, showJson, badStatus, badLimit] = await Promise.all([
      logbook(["sessions", "list", "--agent", builder.id, "--status", "completed", "--json", "--database", url]),
      logbook(["sessions", "list", "--status", "idle", "--json", "--database", url]),
      logbook(["sessions", "list", "--agent", builder.id, "--database", url]),
      logbook(["sessions", "show", building.id, "--database", url]),
      logbook(["sessions", "show", building.id, "--json", "--database", url]),
      logbook(["sessions", "list", "--status", "paused", "--database", url]),
      logbook(["sessions", "list", "--limit", "0", "--database", url])
    ])
    expect(byAgent.code, byAgent.stderr).toBe(0)
    const builderSessions: Array<Session> = JSON.parse(byAgent.stdout)
    expect(builderSessions.map((session) => session.id)).toEqual(
      sessions.filter((session) => session.agentId === builder.id).map((session) => session.id)
    )
    expect(JSON.parse(idle.stdout)).toEqual([])
    expect(table.stdout).toMatch(/^ID\s+AGENT\s+NAME\s+STATUS\s+CREATED\s+UPDATED$/m)
    expect(table.stdout.trim().split("\n")).toHaveLength(3)

    expect(show.code, show.stderr).toBe(0)
    expect(show.stdout).toMatch(new RegExp(`^session\\s+${building.id}$`, "m"))
    expect(show.stdout).toMatch(/^status\s+completed$/m)
    expect(show.stdout).toContain("Effective configuration:")
    expect(show.stdout).toMatch(/^tools\s+write_file$/m)
    const details: { session: Session; effectiveConfig: { model: string; permissionMode: string; tools: Array<string> } } = JSON.parse(
      showJson.stdout
    )
    expect(details.session).toEqual(building)
    expect(details.effectiveConfig).toMatchObject({ model: "claude-sonnet-4-5", permissionMode: "acceptEdits", tools: ["write_file"] })

    expect(badStatus.code).toBe(2)
    expect(badLimit.code).toBe(1)
    expect(oneLineError(badLimit)).toMatch(/^logbook: ValidationError: invalid session filter: limit: /)
  }, 120_000)

  it("sessions logs: a table in order, an indented tree with --tree, nested JSON with --tree --json; a missing session is one line", async () => {
    const [flat, flatJson, tree, treeJson, page, missing] = await Promise.all([
      logbook(["sessions", "logs", building.id, "--database", url]),
      logbook(["sessions", "logs", building.id, "--json", "--database", url]),
      logbook(["sessions", "logs", building.id, "--tree", "--database", url]),
      logbook(["sessions", "logs", building.id, "--tree", "--json", "--database", url]),
      logbook(["sessions", "logs", building.id, "--limit", "2", "--offset", "1", "--json", "--database", url]),
      logbook(["sessions", "logs", "no-such-session", "--tree", "--database", url])
    ])
    expect(flat.code, flat.stderr).toBe(0)
    expect(flat.stdout).toMatch(/^ID\s+PARENT\s+TIME\s+ROLE\s+TYPE\s+CONTENT$/m)
    const logs: Array<Omit<Node, "children">> = JSON.parse(flatJson.stdout)
    expect(logs.map((log) => [log.role, log.type])).toEqual([
      ["user", "message"],
      ["agent", "action"],
      ["tool", "observation"],
      ["agent", "message"]
    ])
    const [prompt, call, result, answer] = logs.map((log) => log.id)
    expect(JSON.parse(page.stdout).map((log: { id: number }) => log.id)).toEqual([call, result])

    expect(tree.code, tree.stderr).toBe(0)
    expect(tree.stdout.trimEnd().split("\n")).toEqual([
      `#${prompt} user message: Apply steps 1 and 2 of the plan in src/config.py and tests/test_parser.py.`,
      expect.stringMatching(new RegExp(`^  #${call} agent action: \\{"tool":"write_file"`)),
      `    #${result} tool observation: wrote 42 bytes`,
      `  #${answer} agent message: KEY_RE now accepts hyphens; test_hyphenated_keys added.`
    ])

    const roots: Array<Node> = JSON.parse(treeJson.stdout)
    const shape = (node: Node): unknown => [node.id, node.children.map(shape)]
    expect(roots.map(shape)).toEqual([[prompt, [[call, [[result, []]]], [answer, []]]]])
    expect(roots[0]!.children[0]!.children[0]).toMatchObject({ parentId: call, role: "tool", content: "wrote 42 bytes" })

    expect(missing.code).toBe(1)
    expect(oneLineError(missing)).toBe("logbook: NotFound: session no-such-session not found")
  }, 120_000)
})
