/** The Audit page: the filtered audit table, a page at a time, and its export as CSV or JSON Lines; live. */
import { api, apiUrl } from "../api.js"
import { Filters, JsonBlock, Load } from "../components/Common.js"
import { when } from "../format.js"
import { useLoad } from "../live.js"
import { href, type Route } from "../router.js"

const PAGE = 100

const FIELDS = [
  { name: "project", label: "Project" },
  { name: "task", label: "Task" },
  { name: "category", label: "Category", options: ["state", "file", "agent", "security", "user"] },
  { name: "agent", label: "Agent" },
  { name: "action", label: "Action" },
  { name: "since", label: "Since", type: "datetime-local" },
  { name: "until", label: "Until", type: "datetime-local" }
] as const

export const AuditPage = ({ route }: { readonly route: Route }) => {
  const params = Object.fromEntries(route.query)
  const offset = Number(params.offset ?? "0") || 0
  const loaded = useLoad(route.query.toString(), () => api.audit({ ...params, limit: String(PAGE) }), offset === 0)
  const filters = { ...params, offset: undefined }
  return (
    <section>
      <h1>Audit</h1>
      <Filters parts={["audit"]} fields={FIELDS} query={route.query} />
      <p class="exports">
        Export:{" "}
        <a id="export-csv" href={apiUrl("audit/export", { ...filters, format: "csv" })} download="audit.csv">CSV</a>{" · "}
        <a id="export-jsonl" href={apiUrl("audit/export", { ...filters, format: "jsonl" })} download="audit.jsonl">JSON Lines</a>
      </p>
      <Load loaded={loaded}>
        {(page) => (
          <>
            <table class="grid" id="audit">
              <thead><tr><th>Time</th><th>Category</th><th>Action</th><th>Agent</th><th>Project</th><th>Task</th><th>Details</th></tr></thead>
              <tbody>
                {page.entries.map((entry) => (
                  <tr key={entry.id} class={entry.category === "security" ? "row-warn" : undefined}>
                    <td>{when(entry.timestamp)}</td>
                    <td>{entry.category}</td>
                    <td>{entry.action}</td>
                    <td>{entry.agent ?? "–"}</td>
                    <td>{entry.projectId ?? "–"}</td>
                    <td class="clip">{entry.taskId === null ? "–" : <a href={href(["tasks", entry.taskId])}>{entry.taskId}</a>}</td>
                    <td>{entry.details === null ? "" : <JsonBlock value={entry.details} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager">
              {offset > 0 && <a href={href(["audit"], { ...params, offset: String(Math.max(0, offset - PAGE)) })}>Newer</a>}
              {page.more && <a href={href(["audit"], { ...params, offset: String(offset + PAGE) })}>Older</a>}
            </nav>
          </>
        )}
      </Load>
    </section>
  )
}
