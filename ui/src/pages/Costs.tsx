/** Costs and health: tokens and cost per day by model and agent, agent success and durations, and the doctor's findings. */
import { useState } from "preact/hooks"
import { api, type CostsJson } from "../api.js"
import { Chart, loadCharts } from "../components/Chart.js"
import { Filters, JsonBlock, Load } from "../components/Common.js"
import { count, duration, percent, usd } from "../format.js"
import { useLoad } from "../live.js"
import type { Route } from "../router.js"

const DAY_MS = 86_400_000
const MIN_DAYS = 7

const FIELDS = [{ name: "since", label: "Since", type: "datetime-local" }, { name: "until", label: "Until", type: "datetime-local" }] as const

/** Per day, the sum of `value` for each key (model or agent), on a continuous UTC day axis. */
const byDay = (daily: CostsJson["daily"], key: (row: CostsJson["daily"][number]) => string, value: (row: CostsJson["daily"][number]) => number) => {
  const days = [...new Set(daily.map((row) => row.day))].sort()
  const first = days[0]
  const last = days[days.length - 1]
  const axis: Array<string> = []
  if (first !== undefined && last !== undefined) {
    const end = Date.parse(`${last}T00:00:00Z`)
    // At least a week, so that a single day still reads as a day on the axis.
    const start = Math.min(Date.parse(`${first}T00:00:00Z`), end - (MIN_DAYS - 1) * DAY_MS)
    for (let t = start; t <= end; t += DAY_MS) axis.push(new Date(t).toISOString().slice(0, 10))
  }
  const keys = [...new Set(daily.map(key))].sort()
  return {
    x: axis.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
    series: keys.map((k) => ({
      label: k,
      values: axis.map((day) => daily.filter((row) => row.day === day && key(row) === k).reduce((sum, row) => sum + value(row), 0))
    }))
  }
}

const Doctor = () => {
  const loaded = useLoad("doctor", () => api.doctor())
  return (
    <Load loaded={loaded}>
      {(report) => (
        <div id="doctor">
          <p class={report.ok ? "ok" : "error"}>{report.ok ? "Healthy" : "Problems found"}</p>
          <dl class="facts">
            <dt>Integrity</dt><dd>{report.integrity.join(", ")}</dd>
            <dt>Foreign keys</dt><dd>{report.foreignKeyViolations} violations</dd>
            <dt>Search indexes</dt><dd>{report.searchIndexes.map((s) => `${s.table}: ${s.ok ? "ok" : s.message ?? "broken"}`).join(" · ")}</dd>
            <dt>Migrations</dt><dd>{report.migrations.applied} applied{report.migrations.pending.length > 0 && `, pending ${report.migrations.pending.join(", ")}`}</dd>
            <dt>Journal</dt><dd>{report.journalMode} (WAL {count(report.walBytes)} bytes)</dd>
            <dt>Database</dt><dd>{count(report.databaseBytes)} bytes · SQLite {report.sqliteVersion} · logbook {report.logbookVersion}</dd>
            <dt>Spool</dt><dd>{report.spool.length === 0 ? "empty" : <JsonBlock value={report.spool} />}</dd>
          </dl>
        </div>
      )}
    </Load>
  )
}

export const CostsPage = ({ route }: { readonly route: Route }) => {
  const params = Object.fromEntries(route.query)
  const since = params.since ?? new Date(Date.now() - 30 * DAY_MS).toISOString()
  const loaded = useLoad(route.query.toString(), () => api.costs({ ...params, since }), true)
  // uPlot loads beside the figures rather than after them (a failure shows in each chart).
  void loadCharts().catch(() => undefined)
  // The doctor reads the whole database (integrity, foreign keys, search indexes: many seconds on a large
  // one, while this server's other requests wait for the connection): it runs when asked, not on every visit.
  const [checkHealth, setCheckHealth] = useState(false)
  return (
    <section>
      <h1>Costs and health</h1>
      <Filters parts={["costs"]} fields={FIELDS} query={route.query} />
      <Load loaded={loaded}>
        {(costs) => {
          const costByModel = byDay(costs.daily, (row) => row.model, (row) => row.costUsd)
          const tokensByAgent = byDay(costs.daily, (row) => row.agent ?? "(none)", (row) => row.totalTokens)
          return (
            <>
              <p id="totals">
                In this window: {count(costs.totals.llmCalls)} LLM calls · {count(costs.totals.totalTokens)} tokens ·{" "}
                {usd(costs.totals.costUsd)}
              </p>
              <div class="charts">
                <Chart title="Cost per day by model (USD)" x={costByModel.x} series={costByModel.series} bars />
                <Chart title="Tokens per day by agent" x={tokensByAgent.x} series={tokensByAgent.series} bars />
                <Chart
                  title="Agents: p50 / p95 duration (ms)"
                  time={false}
                  labels={costs.agents.map((a) => a.agent)}
                  x={costs.agents.map((_, i) => i)}
                  series={[
                    { label: "p50", values: costs.agents.map((a) => a.p50DurationMs) },
                    { label: "p95", values: costs.agents.map((a) => a.p95DurationMs) }
                  ]}
                />
              </div>
              <table class="grid" id="agents">
                <thead><tr><th>#</th><th>Agent</th><th class="num">Invocations</th><th class="num">Success rate</th><th class="num">Failures</th><th class="num">p50</th><th class="num">p95</th></tr></thead>
                <tbody>
                  {costs.agents.map((agent, i) => (
                    <tr key={agent.agent} class={agent.failures > 0 ? "row-warn" : undefined}>
                      <td>{i}</td>
                      <td>{agent.agent}</td>
                      <td class="num">{count(agent.invocations)}</td>
                      <td class="num">{percent(agent.successRate)}</td>
                      <td class="num">{count(agent.failures)}</td>
                      <td class="num">{duration(agent.p50DurationMs)}</td>
                      <td class="num">{duration(agent.p95DurationMs)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }}
      </Load>
      <h2>Health</h2>
      {checkHealth ? <Doctor /> : (
        <p class="muted">
          <button type="button" id="check-health" onClick={() => setCheckHealth(true)}>Check health</button>{" "}
          What <code>logbook doctor</code> checks. It reads the whole database: seconds on a large one.
        </p>
      )}
    </section>
  )
}
