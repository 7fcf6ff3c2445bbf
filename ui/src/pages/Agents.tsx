/** The Agents pages: the registered agents, an agent with its sessions, a session with its log tree. */
import { type AgentDetailJson, api, type LogNodeJson } from "../api.js"
import { Badge, JsonBlock, Load } from "../components/Common.js"
import { json, when } from "../format.js"
import { useLoad } from "../live.js"
import { href } from "../router.js"

/** Every agent, in the order they were registered; live. */
export const AgentsPage = () => {
  const loaded = useLoad("agents", () => api.agents({}), true)
  return (
    <section>
      <h1>Agents</h1>
      <Load loaded={loaded}>
        {({ agents }) => (
          <table class="grid" id="agent-list">
            <thead><tr><th>Agent</th><th>Model</th><th>Permission</th><th>Tools</th><th>Registered</th></tr></thead>
            <tbody>
              {agents.map((agent) => (
                <tr key={agent.id}>
                  <td><a href={href(["agents", agent.id])}>{agent.name}</a></td>
                  <td>{agent.model}</td>
                  <td><Badge value={agent.permissionMode} /></td>
                  <td>{agent.tools.join(", ")}</td>
                  <td>{when(agent.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Load>
    </section>
  )
}

const AgentView = ({ detail }: { readonly detail: AgentDetailJson }) => (
  <>
    <h1>Agent {detail.agent.name}</h1>
    <p class="muted">
      {detail.agent.model} · <Badge value={detail.agent.permissionMode} /> · registered {when(detail.agent.createdAt)}
    </p>
    {detail.agent.instructions !== undefined && <pre class="text">{detail.agent.instructions}</pre>}
    <h2>Sessions</h2>
    <table class="grid" id="sessions">
      <thead><tr><th>Session</th><th>Status</th><th>Started</th><th>Updated</th></tr></thead>
      <tbody>
        {detail.sessions.map((session) => (
          <tr key={session.id}>
            <td><a href={href(["sessions", session.id])}>{session.name ?? session.id}</a></td>
            <td><Badge value={session.status} /></td>
            <td>{when(session.createdAt)}</td>
            <td>{when(session.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
)

/** One agent and its sessions, newest first; live. */
export const AgentPage = ({ id }: { readonly id: string }) => {
  const loaded = useLoad(`agent ${id}`, () => api.agent(id), true)
  return <section><Load loaded={loaded}>{(detail) => <AgentView detail={detail} />}</Load></section>
}

/** A log and, below it, the logs written under it; every stored string as text. */
const LogTree = ({ nodes }: { readonly nodes: ReadonlyArray<LogNodeJson> }) => (
  <ul class="log-tree">
    {nodes.map((node) => (
      <li key={node.id} class="log-node">
        <span class="muted">#{node.id} {when(node.createdAt)}</span> <Badge value={node.role} /> <Badge value={node.type} />
        <pre class="text">{json(node.content)}</pre>
        {node.children.length > 0 && <LogTree nodes={node.children} />}
      </li>
    ))}
  </ul>
)

/** One session: its status, agent, effective configuration and log tree; live. */
export const SessionPage = ({ id }: { readonly id: string }) => {
  const loaded = useLoad(`session ${id}`, () => api.session(id), true)
  return (
    <section>
      <Load loaded={loaded}>
        {({ session, agent, effectiveConfig, logs }) => (
          <>
            <h1>Session {session.name ?? session.id}</h1>
            <p class="muted">
              <Badge value={session.status} /> · agent <a href={href(["agents", agent.id])}>{agent.name}</a>
              {" "}· started {when(session.createdAt)} · updated {when(session.updatedAt)}
            </p>
            <h2>Effective configuration</h2>
            <JsonBlock value={effectiveConfig} />
            <h2>Log</h2>
            <div id="log-tree">
              {logs.length === 0 ? <p class="muted">No log yet.</p> : <LogTree nodes={logs} />}
            </div>
          </>
        )}
      </Load>
    </section>
  )
}
