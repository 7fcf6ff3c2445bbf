/** One trajectory, step by step; and two side by side. */
import { api } from "../api.js"
import { JsonBlock, Load } from "../components/Common.js"
import { asTrajectory, TrajectoryView } from "../components/TrajectoryView.js"
import { when } from "../format.js"
import { useLoad } from "../live.js"
import { href } from "../router.js"

const Stored = ({ sessionId }: { readonly sessionId: string }) => {
  const loaded = useLoad(`trajectory:${sessionId}`, () => api.trajectory(sessionId))
  return (
    <Load loaded={loaded}>
      {({ info, trajectory }) => {
        const parsed = asTrajectory(trajectory)
        return (
          <>
            <h1>Trajectory <code>{info.id}</code></h1>
            <p class="muted">
              stored {when(info.createdAt)}
              {info.taskId !== null && <> · task <a href={href(["tasks", info.taskId])}>{info.taskId}</a></>}
              {info.taskId !== null && <> · <a href={href(["runs"], { text: info.taskId })}>its runs</a></>}
            </p>
            {parsed === undefined ? <JsonBlock value={trajectory} /> : <TrajectoryView trajectory={parsed} owner={info.id} />}
          </>
        )
      }}
    </Load>
  )
}

export const TrajectoryPage = ({ sessionId }: { readonly sessionId: string }) => <section><Stored sessionId={sessionId} /></section>

export const ComparePage = ({ a, b }: { readonly a: string; readonly b: string }) => (
  <section class="compare">
    <div><Stored sessionId={a} /></div>
    <div><Stored sessionId={b} /></div>
  </section>
)
