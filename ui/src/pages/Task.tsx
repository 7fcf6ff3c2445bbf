/** A task: its state, transition timeline, checkpoints, and the difference between two contexts. */
import { api } from "../api.js"
import { Badge, JsonBlock, Load } from "../components/Common.js"
import { when } from "../format.js"
import { useRef } from "preact/hooks"
import { preload, useLoad } from "../live.js"
import { href, navigate, type Route } from "../router.js"

const diffKey = (taskId: string, from: string, to: string) => `diff:${taskId}:${from}:${to}`

const Diff = ({ taskId, from, to }: { readonly taskId: string; readonly from: string; readonly to: string }) => {
  const loaded = useLoad(diffKey(taskId, from, to), () => api.diff(taskId, from, to))
  return (
    <Load loaded={loaded}>
      {({ changes }) =>
        changes.length === 0
          ? <p class="muted">The two contexts are the same.</p>
          : (
            <table class="grid" id="diff">
              <thead><tr><th>Path</th><th>Change</th><th>Before</th><th>After</th></tr></thead>
              <tbody>
                {changes.map((change) => (
                  <tr key={change.path} class={`diff-${change.kind}`}>
                    <td><code>{change.path}</code></td>
                    <td>{change.kind}</td>
                    <td>{change.kind === "added" ? "" : <JsonBlock value={change.before} />}</td>
                    <td>{change.kind === "removed" ? "" : <JsonBlock value={change.after} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
    </Load>
  )
}

export const TaskPage = ({ taskId, route }: { readonly taskId: string; readonly route: Route }) => {
  const loaded = useLoad(`task:${taskId}`, () => api.task(taskId), true)
  const from = route.query.get("from")
  const to = route.query.get("to")
  // The diff asked for in the address is loaded beside the task, not once the task is shown.
  const preloadedDiff = useRef<string | undefined>(undefined)
  if (from !== null && to !== null && preloadedDiff.current !== diffKey(taskId, from, to)) {
    preloadedDiff.current = diffKey(taskId, from, to)
    preload(preloadedDiff.current, () => api.diff(taskId, from, to))
  }
  return (
    <section>
      <Load loaded={loaded}>
        {(task) => {
          const choices = [...task.checkpoints.map((c) => c.id), "current"]
          return (
            <>
              <h1>Task <code>{task.taskId}</code></h1>
              <p>
                project {task.projectId} · state <Badge value={task.state} /> ·{" "}
                <a href={href(["runs"], { text: task.taskId })}>runs</a> ·{" "}
                <a href={href(["trajectories"], { task: task.taskId })}>trajectories</a> ·{" "}
                <a href={href(["audit"], { task: task.taskId })}>audit</a>
              </p>
              <h2>Transitions</h2>
              <ol class="timeline" id="transitions">
                {task.history.map((t, i) => (
                  <li key={i}>
                    <span class="muted">{when(t.timestamp)}</span> <Badge value={t.from} /> → <Badge value={t.to} /> <code>{t.event}</code>
                    {t.metadata !== undefined && <JsonBlock value={t.metadata} />}
                  </li>
                ))}
              </ol>
              <h2>Checkpoints</h2>
              <table class="grid" id="checkpoints">
                <thead><tr><th>Id</th><th>State</th><th>Taken</th><th>Artifacts</th></tr></thead>
                <tbody>
                  {task.checkpoints.map((c) => (
                    <tr key={c.id}>
                      <td><code>{c.id}</code></td>
                      <td><Badge value={c.state} /></td>
                      <td>{when(c.timestamp)}</td>
                      <td>{c.artifacts.length}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Compare contexts</h2>
              <form
                class="filters"
                onSubmit={(event) => {
                  event.preventDefault()
                  const data = new FormData(event.currentTarget)
                  navigate(["tasks", task.taskId], { from: String(data.get("from")), to: String(data.get("to")) })
                }}
              >
                <label><span>From</span><select name="from" value={from ?? choices[0]}>{choices.map((c) => <option key={c} value={c}>{c}</option>)}</select></label>
                <label><span>To</span><select name="to" value={to ?? "current"}>{choices.map((c) => <option key={c} value={c}>{c}</option>)}</select></label>
                <button type="submit">Compare</button>
              </form>
              {from !== null && to !== null && <Diff taskId={taskId} from={from} to={to} />}
              <h2>Current context</h2>
              <JsonBlock value={task.context} />
            </>
          )
        }}
      </Load>
    </section>
  )
}
