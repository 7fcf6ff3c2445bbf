/** The Tasks page: workflow states, most recently updated first, a keyset page at a time; live. */
import { api } from "../api.js"
import { Badge, Filters, Load } from "../components/Common.js"
import { when } from "../format.js"
import { useLoad } from "../live.js"
import { href, type Route } from "../router.js"

const FIELDS = [{ name: "project", label: "Project" }, { name: "state", label: "State" }] as const

export const TasksPage = ({ route }: { readonly route: Route }) => {
  const params = Object.fromEntries(route.query)
  const loaded = useLoad(route.query.toString(), () => api.tasks(params), params.cursor === undefined)
  return (
    <section>
      <h1>Tasks</h1>
      <Filters parts={["tasks"]} fields={FIELDS} query={route.query} />
      <Load loaded={loaded}>
        {(page) => (
          <>
            <table class="grid" id="tasks">
              <thead><tr><th>Task</th><th>Project</th><th>State</th><th class="num">Transitions</th><th class="num">Checkpoints</th><th>Updated</th></tr></thead>
              <tbody>
                {page.tasks.map((task) => (
                  <tr key={task.taskId}>
                    <td><a href={href(["tasks", task.taskId])}>{task.taskId}</a></td>
                    <td>{task.projectId}</td>
                    <td><Badge value={task.state} /></td>
                    <td class="num">{task.transitions}</td>
                    <td class="num">{task.checkpoints}</td>
                    <td>{when(task.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager">
              {params.cursor !== undefined && <a href={href(["tasks"], { ...params, cursor: undefined })}>Newest</a>}
              {page.next !== null && <a href={href(["tasks"], { ...params, cursor: page.next })}>Older</a>}
            </nav>
          </>
        )}
      </Load>
    </section>
  )
}
