/** The Runs page: traces by project, agent, status, time and text, newest first, a keyset page at a time; live. */
import { api } from "../api.js"
import { Badge, Filters, Load } from "../components/Common.js"
import { count, duration, usd, when } from "../format.js"
import { useLoad } from "../live.js"
import { href, type Route } from "../router.js"

const FIELDS = [
  { name: "project", label: "Project" },
  { name: "agent", label: "Agent" },
  { name: "status", label: "Status", options: ["running", "completed", "error", "cancelled"] },
  { name: "since", label: "Since", type: "datetime-local" },
  { name: "until", label: "Until", type: "datetime-local" },
  { name: "text", label: "Text", placeholder: "prompt, error, run or task id" }
] as const

export const RunsPage = ({ route }: { readonly route: Route }) => {
  const params = Object.fromEntries(route.query)
  const loaded = useLoad(route.query.toString(), () => api.runs(params), params.cursor === undefined)
  return (
    <section>
      <h1>Runs</h1>
      <Filters parts={["runs"]} fields={FIELDS} query={route.query} />
      <Load loaded={loaded}>
        {(page) => (
          <>
            <table class="grid" id="runs">
              <thead>
                <tr>
                  <th>Started</th><th>Status</th><th>Project</th><th>Agent</th><th>Prompt</th>
                  <th class="num">Duration</th><th class="num">LLM calls</th><th class="num">Tokens</th><th class="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {page.runs.map((run) => (
                  <tr key={run.id} class={run.status === "error" ? "row-error" : undefined}>
                    <td><a href={href(["runs", run.id])}>{when(run.startedAt)}</a></td>
                    <td><Badge value={run.status} /></td>
                    <td>{run.projectId}</td>
                    <td>{run.agentId ?? "–"}</td>
                    <td class="clip">{run.prompt}</td>
                    <td class="num">{duration(run.durationMs)}</td>
                    <td class="num">{count(run.llmCalls)}</td>
                    <td class="num">{count(run.llmTokens || run.tokenUsage?.totalTokens)}</td>
                    <td class="num">{usd(run.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.runs.length === 0 && <p class="muted">No runs match.</p>}
            <nav class="pager">
              {params.cursor !== undefined && <a href={href(["runs"], { ...params, cursor: undefined })}>Newest</a>}
              {page.next !== null && <a href={href(["runs"], { ...params, cursor: page.next })} rel="next">Older</a>}
            </nav>
          </>
        )}
      </Load>
    </section>
  )
}
