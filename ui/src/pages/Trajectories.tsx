/** The Trajectories page: newest first, or found by their text; pick two to see them side by side. */
import { useState } from "preact/hooks"
import { api } from "../api.js"
import { Filters, Load } from "../components/Common.js"
import { Highlighted } from "../components/Highlighted.js"
import { count, usd, when } from "../format.js"
import { useLoad } from "../live.js"
import { href, navigate, type Route } from "../router.js"

const FIELDS = [
  { name: "text", label: "Search", placeholder: "words in messages, reasoning, observations" },
  { name: "agent", label: "Agent" },
  { name: "task", label: "Task" }
] as const

export const TrajectoriesPage = ({ route }: { readonly route: Route }) => {
  const params = Object.fromEntries(route.query)
  const loaded = useLoad(route.query.toString(), () => api.trajectories(params), params.text === undefined)
  const [picked, setPicked] = useState<ReadonlyArray<string>>([])
  const toggle = (id: string) =>
    setPicked((current) => current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-2))
  return (
    <section>
      <h1>Trajectories</h1>
      <Filters parts={["trajectories"]} fields={FIELDS} query={route.query} />
      <p>
        <button
          type="button"
          disabled={picked.length !== 2}
          onClick={() => navigate(["compare"], { a: picked[0], b: picked[1] })}
        >
          Compare the two selected
        </button>
      </p>
      <Load loaded={loaded}>
        {(list) => (
          <table class="grid" id="trajectories">
            <thead>
              <tr><th /><th>Session</th><th>Agent</th><th>Model</th><th class="num">Steps</th><th class="num">Tokens</th><th class="num">Cost</th><th>Stored</th></tr>
            </thead>
            <tbody>
              {list.trajectories.map((t) => (
                <tr key={t.id}>
                  <td><input type="checkbox" aria-label={`select ${t.id}`} checked={picked.includes(t.id)} onChange={() => toggle(t.id)} /></td>
                  <td>
                    <a href={href(["trajectories", t.id])}>{t.id}</a>
                    {t.snippet !== undefined && <div><Highlighted text={t.snippet} open="[" close="]" /></div>}
                  </td>
                  <td>{t.agentName}</td>
                  <td>{t.modelName ?? "–"}</td>
                  <td class="num">{t.stepCount}</td>
                  <td class="num">{count((t.totalPromptTokens ?? 0) + (t.totalCompletionTokens ?? 0))}</td>
                  <td class="num">{usd(t.totalCostUsd)}</td>
                  <td>{when(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Load>
    </section>
  )
}
