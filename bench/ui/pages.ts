/**
 * Every page of the UI the benchmark opens: its route, and the selectors
 * that are on screen only once the page's data is rendered (a table row, a
 * waterfall bar, a chart's canvas). The ids in the routes (a run, a
 * trajectory, a task and its checkpoint, an agent, a session) are read from
 * the API of the database being measured.
 */

/** One page to measure. */
export interface Page {
  readonly name: string
  readonly hash: string
  /** All of these must be in the document for the page to count as rendered. */
  readonly selectors: ReadonlyArray<string>
}

/** What the routes of one database need. */
export interface PageIds {
  readonly runId: string
  readonly trajectories: readonly [string, string]
  readonly taskId: string
  readonly checkpointId: string
  readonly agentId: string
  readonly sessionId: string
  /** A word that some trajectory and some lesson hold. */
  readonly trajectoryWord: string
  readonly lessonWord: string
  /** A piece of some run's prompt. */
  readonly runText: string
  readonly project: string
  readonly agent: string
}

const at = encodeURIComponent

const DAY_MS = 86_400_000

/** The runs table with its rows, or with the line saying that no run matches (the demo has no failed run). */
const SOME_RUNS = "#runs tbody tr, #runs + p.muted"

/**
 * The same run's baseline, not a page of the app: a page with one line of
 * text and no script, served by the UI's server (`emptyPage.ts`).
 */
export const EMPTY_PAGE: Page = { name: "(empty page)", hash: "", selectors: ["p.empty"] }

/** The app shell's route: a route the app does not know, rendered at once with no data and no API call. */
export const SHELL_HASH = "#/no-such-page"

/** The pages, in the order of the navigation bar, each list page also with a filter. */
export const pagesOf = (ids: PageIds, now = Date.now()): ReadonlyArray<Page> => {
  const weekAgo = new Date(now - 7 * DAY_MS).toISOString()
  return [
    // The app without data.
    { name: "(app shell)", hash: SHELL_HASH, selectors: ["main p.error"] },
    { name: "runs", hash: "#/runs", selectors: ["#runs tbody tr"] },
    { name: "runs ?status=error", hash: "#/runs?status=error", selectors: [SOME_RUNS] },
    { name: "runs ?agent", hash: `#/runs?agent=${at(ids.agent)}`, selectors: [SOME_RUNS] },
    { name: "runs ?project&since", hash: `#/runs?project=${at(ids.project)}&since=${at(weekAgo)}`, selectors: [SOME_RUNS] },
    { name: "runs ?text", hash: `#/runs?text=${at(ids.runText)}`, selectors: [SOME_RUNS] },
    { name: "run", hash: `#/runs/${at(ids.runId)}`, selectors: [".waterfall .wf-row"] },
    { name: "trajectories", hash: "#/trajectories", selectors: ["#trajectories tbody tr"] },
    { name: "trajectories ?text", hash: `#/trajectories?text=${at(ids.trajectoryWord)}`, selectors: ["#trajectories tbody tr"] },
    { name: "trajectory", hash: `#/trajectories/${at(ids.trajectories[0])}`, selectors: ["article.step"] },
    {
      name: "side by side",
      hash: `#/compare?a=${at(ids.trajectories[0])}&b=${at(ids.trajectories[1])}`,
      selectors: [".compare > div:nth-child(1) article.step", ".compare > div:nth-child(2) article.step"]
    },
    { name: "tasks", hash: "#/tasks", selectors: ["#tasks tbody tr"] },
    {
      name: "task + checkpoint diff",
      hash: `#/tasks/${at(ids.taskId)}?from=${at(ids.checkpointId)}&to=current`,
      selectors: ["#transitions li", "#checkpoints tbody tr", "#diff tbody tr"]
    },
    { name: "audit", hash: "#/audit", selectors: ["#audit tbody tr"] },
    { name: "audit ?agent", hash: `#/audit?agent=${at(ids.agent)}`, selectors: ["#audit tbody tr"] },
    { name: "lessons", hash: "#/lessons", selectors: ["#lessons li h3"] },
    { name: "lessons ?text", hash: `#/lessons?text=${at(ids.lessonWord)}`, selectors: ["#lessons li h3"] },
    { name: "costs and health", hash: "#/costs", selectors: ["#totals", "#agents tbody tr", ".charts > .chart:nth-child(1) canvas", ".charts > .chart:nth-child(3) canvas"] },
    { name: "agents", hash: "#/agents", selectors: ["#agent-list tbody tr"] },
    { name: "agent", hash: `#/agents/${at(ids.agentId)}`, selectors: ["#sessions tbody tr"] },
    { name: "session", hash: `#/sessions/${at(ids.sessionId)}`, selectors: ["#log-tree .log-node"] }
  ]
}
