/** A run's page: its trace, the waterfall of invocations, LLM calls and events, and links to its trajectories and task. */
import { api } from "../api.js"
import { Badge, JsonBlock, Load } from "../components/Common.js"
import { Waterfall } from "../components/Waterfall.js"
import { count, duration, usd, when } from "../format.js"
import { useLoad } from "../live.js"
import { href } from "../router.js"

export const RunPage = ({ id }: { readonly id: string }) => {
  const loaded = useLoad(`run:${id}`, () => api.run(id), true)
  return (
    <section>
      <Load loaded={loaded}>
        {(detail) => {
          const { run } = detail
          const cost = detail.llmCalls.reduce((sum, call) => sum + (call.costUsd ?? 0), 0)
          const tokens = detail.llmCalls.reduce((sum, call) => sum + call.totalTokens, 0)
          return (
            <>
              <h1>Run <code>{run.id}</code></h1>
              <dl class="facts">
                <dt>Status</dt><dd><Badge value={run.status} /></dd>
                <dt>Project</dt><dd><a href={href(["runs"], { project: run.projectId })}>{run.projectId}</a></dd>
                <dt>Task</dt>
                <dd>
                  {detail.taskState === null
                    ? <code>{run.taskId}</code>
                    : <a href={href(["tasks", run.taskId])} id="task-link">{run.taskId}</a>}
                  {detail.taskState !== null && <> (state <Badge value={detail.taskState} />)</>}
                </dd>
                <dt>Agent</dt><dd>{run.agentId ?? "–"}</dd>
                <dt>Started</dt><dd>{when(run.startedAt)}</dd>
                <dt>Duration</dt><dd>{duration(run.durationMs)}</dd>
                <dt>LLM</dt><dd>{count(detail.llmCalls.length)} calls · {count(tokens)} tokens · {usd(cost)}</dd>
              </dl>
              {run.error !== undefined && <pre class="error-block" role="alert">{run.error}</pre>}
              <h2>Prompt</h2>
              <pre class="text">{run.prompt}</pre>
              <h2>Trajectories</h2>
              {detail.trajectories.length === 0
                ? <p class="muted">No trajectory stored for this task.</p>
                : (
                  <ul id="run-trajectories">
                    {detail.trajectories.map((t) => (
                      <li key={t.id}>
                        <a href={href(["trajectories", t.id])}>{t.id}</a> · {t.agentName} · {t.stepCount} steps
                      </li>
                    ))}
                  </ul>
                )}
              <h2>Timeline</h2>
              <Waterfall detail={detail} />
              <h2>Invocations</h2>
              <table class="grid">
                <thead><tr><th>Agent</th><th>Outcome</th><th>Fragment</th><th>Output</th><th class="num">Quality</th><th class="num">Tokens</th></tr></thead>
                <tbody>
                  {detail.invocations.map((inv) => (
                    <tr key={inv.id} class={inv.outcome === "failure" || inv.error !== undefined ? "row-error" : undefined}>
                      <td>{inv.agent}</td>
                      <td><Badge value={inv.outcome} /></td>
                      <td class="clip">{inv.taskFragment ?? ""}</td>
                      <td class="clip">{inv.error ?? inv.outputSummary ?? ""}</td>
                      <td class="num">{inv.qualityScore ?? "–"}</td>
                      <td class="num">{count(inv.tokenUsage?.totalTokens)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>LLM calls</h2>
              <table class="grid">
                <thead><tr><th>Time</th><th>Agent</th><th>Model</th><th>Status</th><th class="num">Tokens</th><th class="num">Latency</th><th class="num">Cost</th></tr></thead>
                <tbody>
                  {detail.llmCalls.map((call) => (
                    <tr key={call.id} class={call.status === "error" ? "row-error" : undefined}>
                      <td>{when(call.timestamp)}</td>
                      <td>{call.agent ?? "–"}</td>
                      <td>{call.model}</td>
                      <td><Badge value={call.status} /></td>
                      <td class="num">{count(call.totalTokens)}</td>
                      <td class="num">{duration(call.latencyMs)}</td>
                      <td class="num">{usd(call.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Events</h2>
              <table class="grid">
                <thead><tr><th>Time</th><th>Type</th><th>Data</th></tr></thead>
                <tbody>
                  {detail.events.map((event) => (
                    <tr key={event.id} class={/error|fail/i.test(event.type) ? "row-error" : undefined}>
                      <td>{when(event.timestamp)}</td>
                      <td>{event.type}</td>
                      <td><JsonBlock value={event.data ?? null} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }}
      </Load>
    </section>
  )
}
