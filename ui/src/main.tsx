/** The logbook UI: a navigation bar and the page of the current route. */
import { render } from "preact"
import { AgentPage, AgentsPage, SessionPage } from "./pages/Agents.js"
import { AuditPage } from "./pages/Audit.js"
import { CostsPage } from "./pages/Costs.js"
import { LessonsPage } from "./pages/Lessons.js"
import { RunPage } from "./pages/Run.js"
import { RunsPage } from "./pages/Runs.js"
import { TaskPage } from "./pages/Task.js"
import { TasksPage } from "./pages/Tasks.js"
import { TrajectoriesPage } from "./pages/Trajectories.js"
import { ComparePage, TrajectoryPage } from "./pages/Trajectory.js"
import { href, type Route, useRoute } from "./router.js"
import "uplot/dist/uPlot.min.css"
import "./style.css"

/** The navigation: one entry per top-level page. */
const PAGES = [
  ["runs", "Runs"],
  ["trajectories", "Trajectories"],
  ["tasks", "Tasks"],
  ["audit", "Audit"],
  ["lessons", "Lessons"],
  ["costs", "Costs & health"],
  ["agents", "Agents"]
] as const

const Page = ({ route }: { readonly route: Route }) => {
  const [top = "runs", id] = route.parts
  switch (top) {
    case "runs":
      return id === undefined ? <RunsPage route={route} /> : <RunPage id={id} />
    case "trajectories":
      return id === undefined ? <TrajectoriesPage route={route} /> : <TrajectoryPage sessionId={id} />
    case "compare":
      return <ComparePage a={route.query.get("a") ?? ""} b={route.query.get("b") ?? ""} />
    case "tasks":
      return id === undefined ? <TasksPage route={route} /> : <TaskPage taskId={id} route={route} />
    case "audit":
      return <AuditPage route={route} />
    case "lessons":
      return <LessonsPage route={route} />
    case "costs":
      return <CostsPage route={route} />
    case "agents":
      return id === undefined ? <AgentsPage /> : <AgentPage id={id} />
    case "sessions":
      return id === undefined ? <AgentsPage /> : <SessionPage id={id} />
    default:
      return <p class="error">No such page.</p>
  }
}

const App = () => {
  const route = useRoute()
  const top = route.parts[0] ?? "runs"
  const current = top === "sessions" ? "agents" : top
  return (
    <>
      <header class="top">
        <span class="brand">logbook</span>
        <nav>
          {PAGES.map(([path, label]) => (
            <a key={path} href={href([path])} class={current === path ? "active" : undefined}>{label}</a>
          ))}
        </nav>
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  )
}

render(<App />, document.getElementById("app")!)
