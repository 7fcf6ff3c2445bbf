/**
 * `npm run bench:ui`: every page of `logbook ui`, first render in headless
 * Chromium, on the demo database and on a database of ROWS runs (default
 * 1,000,000, with as many LLM calls and audit entries; built once and kept
 * in bench/.data, see bench/ui/largeDatabase.ts and bench/ui/companions.ts).
 *
 * The server is the real `logbook ui`, in its own process. For each page:
 * one warm-up load, then LOADS cold loads, each in a fresh browser context
 * (nothing cached, a new tab) of the running browser, once Chromium has
 * settled after opening it. First render is read in the page, on its own
 * clock (`performance.now()`, whose origin is the navigation's start): a
 * MutationObserver installed before any script notes when all the page's
 * data selectors are in the document, and the task after the next animation
 * frame marks when the frame that paints them is done (the figure reported).
 * The same run's baseline comes first: an empty page (a line of text, no
 * script) served by the UI's own server code with the same headers
 * (bench/ui/emptyPage.ts), the browser's and the server's floor.
 * Beside it: the app's own `logbook:ready` mark, when the HTML and the
 * page's assets arrived, the API calls the page made before it rendered
 * (Resource Timing, and the same calls again from Node, median of LOADS),
 * the server's CPU time per load (/proc, 10 ms ticks) and the load average;
 * then LOADS in-app navigations to the page (a link followed in the running
 * app). Every row is printed as it is measured; the figures go to
 * bench/results/ui-<date>.json.
 *
 *   npm run bench:ui -- [--rows N] [--loads N] [--only demo|large] [--pages runs,run]
 */
import * as Effect from "effect/Effect"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { chromium, type Browser } from "playwright-core"
import { runDemo } from "../src/cli/Demo.js"
import * as Logbook from "../src/Logbook.js"
import { StateStore } from "../src/StateStore.js"
import { browserCpuMs, cpuPressure, mainThread, rendererDelta, rendererThreads } from "./ui/cpu.js"
import { addCompanions, COMPANION_TASK } from "./ui/companions.js"
import { largeDatabase } from "./ui/largeDatabase.js"
import { EMPTY_PAGE, type Page, type PageIds, pagesOf, SHELL_HASH } from "./ui/pages.js"
import { startEmptyPage, startUi, type UiProcess } from "./ui/server.js"
import { WITHOUT_WINDOW_UI } from "../test/support/Chromium.js"
import type { Scheduled } from "./ui/cpu.js"

const args = process.argv.slice(2)
const option = (name: string) => {
  const at = args.indexOf(`--${name}`)
  return at < 0 ? undefined : args[at + 1]
}
/** How long a page may take to render before it counts as failed. */
const RENDER_TIMEOUT_MS = 60_000
/** How long the calls after a first render may run before the next load starts anyway. */
const IDLE_TIMEOUT_MS = 180_000
const ROWS = Number(option("rows") ?? 1_000_000)
const LOADS = Number(option("loads") ?? 5)
const ONLY = option("only")
const PAGE_NAMES = option("pages")?.split(",")

/** The budgets of issue 19: first render on the demo database, and on the large one. */
const BUDGET_MS = { demo: 300, large: 1000 } as const

const ROOT = fileURLToPath(new URL("../", import.meta.url))
const RESULTS = path.join(ROOT, "bench", "results")
const ASSETS = path.join(ROOT, "dist", "ui", "web", "assets")

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const round = (n: number) => Math.round(n * 10) / 10
const load1 = () => round(os.loadavg()[0]!)

/** The built front end's files: bytes and gzipped bytes. */
const bundle = () =>
  readdirSync(ASSETS).map((name) => {
    const bytes = readFileSync(path.join(ASSETS, name))
    return { file: name, bytes: bytes.length, gzipBytes: gzipSync(bytes).length }
  })

const getJson = async <A>(baseUrl: string, url: string): Promise<A> => {
  const response = await fetch(`${baseUrl}${url}`)
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return (await response.json()) as A
}

/** A word of four letters or more in `text`. */
const wordOf = (text: string) => /[A-Za-z]{4,}/.exec(text)?.[0] ?? text

/** The ids and words the routes need, read from the API. */
const discover = async (baseUrl: string, taskId: string | undefined): Promise<PageIds> => {
  type Run = { id: string; taskId: string; projectId: string; agentId?: string; prompt: string }
  const { runs } = await getJson<{ runs: Array<Run> }>(baseUrl, "/api/runs?limit=1")
  const run = runs[0]!
  const { trajectories } = await getJson<{ trajectories: Array<{ id: string }> }>(baseUrl, "/api/trajectories?limit=2")
  const first = trajectories[0]!.id
  const stored = await getJson<{ trajectory: { steps: Array<{ message?: unknown }> } }>(baseUrl, `/api/trajectories/${encodeURIComponent(first)}`)
  const task = taskId ?? run.taskId
  const detail = await getJson<{ checkpoints: Array<{ id: string }> }>(baseUrl, `/api/tasks/${encodeURIComponent(task)}`)
  let checkpointId: string | undefined
  for (const checkpoint of detail.checkpoints) {
    const diff = await getJson<{ changes: Array<unknown> }>(baseUrl, `/api/tasks/${encodeURIComponent(task)}/diff?from=${encodeURIComponent(checkpoint.id)}&to=current`)
    if (diff.changes.length > 0) {
      checkpointId = checkpoint.id
      break
    }
  }
  if (checkpointId === undefined) throw new Error(`task ${task} has no checkpoint that differs from its context`)
  const { agents } = await getJson<{ agents: Array<{ id: string }> }>(baseUrl, "/api/agents")
  const agent = await getJson<{ sessions: Array<{ id: string }> }>(baseUrl, `/api/agents/${encodeURIComponent(agents[0]!.id)}`)
  const { lessons } = await getJson<{ lessons: Array<{ title: string }> }>(baseUrl, "/api/lessons?limit=1")
  const message = stored.trajectory.steps.map((step) => step.message).find((m): m is string => typeof m === "string") ?? ""
  const { runs: withAgent } = await getJson<{ runs: Array<Run> }>(baseUrl, "/api/runs?limit=20")
  return {
    runId: run.id,
    trajectories: [first, trajectories[1]?.id ?? first],
    taskId: task,
    checkpointId,
    agentId: agents[0]!.id,
    sessionId: agent.sessions[0]!.id,
    trajectoryWord: wordOf(message),
    lessonWord: wordOf(lessons[0]!.title),
    runText: wordOf(run.prompt),
    project: run.projectId,
    agent: withAgent.find((r) => r.agentId !== undefined)?.agentId ?? "planner"
  }
}

/** What one load of a page measured, on the page's clock (ms since navigation start), and the CPU it took. */
interface Load {
  readonly renderMs: number
  readonly domMs: number
  readonly readyMarkMs: number | null
  /** When the HTML, and the last of the page's scripts and stylesheets, had arrived. */
  readonly htmlEndMs: number
  readonly scriptEndMs: number
  readonly apiCalls: ReadonlyArray<{ readonly url: string; readonly startMs: number; readonly endMs: number }>
  /** CPU time from the navigation to the first render: the server's, and Chromium's (every process). */
  readonly serverCpuMs: number
  readonly browserCpuMs: number
  /** From navigation to first render: the server's main thread and the page's renderer, on a CPU and waiting for one. */
  readonly serverMain: Scheduled
  readonly renderer: Scheduled
  readonly loadAverage: number
  readonly cpuPressure: number | null
}

/** What the page logs once rendered: the bench waits for it rather than polling the page. */
const RENDERED_SIGNAL = "logbook-bench:rendered"

/**
 * Runs `then` in the task after the next frame: the animation frame's
 * callbacks run before that frame's style, layout and paint, a message
 * posted from them is handled after (text: it runs in the page).
 */
const AFTER_NEXT_FRAME = `(then) => requestAnimationFrame(() => {
  const channel = new MessageChannel()
  channel.port1.onmessage = () => then()
  channel.port2.postMessage(null)
})`

/**
 * Installed before the page's own script (as text: it runs in the page):
 * notes when every selector is in the document, then when the frame that
 * paints them is done.
 */
const observeRender = (selectors: ReadonlyArray<string>) => `(() => {
  const selectors = ${JSON.stringify(selectors)}
  const afterNextFrame = ${AFTER_NEXT_FRAME}
  const observer = new MutationObserver(() => {
    if (window.__render !== undefined || !selectors.every((s) => document.querySelector(s) !== null)) return
    window.__render = { dom: performance.now() }
    observer.disconnect()
    afterNextFrame(() => {
      window.__render.frame = performance.now()
      console.debug("${RENDERED_SIGNAL}")
    })
  })
  observer.observe(document, { childList: true, subtree: true })
})()`

/** What the page says about its load, once rendered (an expression evaluated in the page). */
const READ_TIMINGS = `(() => {
  const resources = performance.getEntriesByType("resource")
  const navigation = performance.getEntriesByType("navigation")[0]
  const assets = resources.filter((r) => new URL(r.name).pathname.startsWith("/assets/"))
  const ready = performance.getEntriesByName("logbook:ready")[0]
  return {
    dom: window.__render.dom,
    frame: window.__render.frame,
    ready: ready === undefined ? null : ready.startTime,
    htmlEnd: navigation.responseEnd,
    scriptEnd: Math.max(navigation.responseEnd, ...assets.map((r) => r.responseEnd)),
    api: resources.filter((r) => new URL(r.name).pathname.startsWith("/api/")).map((r) => ({
      url: new URL(r.name).pathname + new URL(r.name).search,
      startMs: r.startTime,
      endMs: r.responseEnd
    }))
  }
})()`

/**
 * A navigation inside the running app (what following a link does): from the
 * app shell's route, sets the page's route and resolves, on the page's clock,
 * when every selector is in the document and the frame that paints them is done.
 */
const NAVIGATE_IN_APP = `([selectors, hash]) => new Promise((resolve) => {
  const start = performance.now()
  const afterNextFrame = ${AFTER_NEXT_FRAME}
  const observer = new MutationObserver(() => {
    if (!selectors.every((s) => document.querySelector(s) !== null)) return
    observer.disconnect()
    const dom = performance.now() - start
    afterNextFrame(() => resolve({ dom, frame: performance.now() - start }))
  })
  observer.observe(document, { childList: true, subtree: true })
  setTimeout(() => resolve({ dom: NaN, frame: NaN }), ${RENDER_TIMEOUT_MS})
  location.hash = hash
})`

/** {@link READ_TIMINGS}' result. */
interface Timings {
  readonly dom: number
  readonly frame: number
  readonly ready: number | null
  readonly htmlEnd: number
  readonly scriptEnd: number
  readonly api: ReadonlyArray<{ readonly url: string; readonly startMs: number; readonly endMs: number }>
}

/** How long, at most, a new browser context is given to settle before its page is loaded. */
const SETTLE_MAX_MS = 1000
/** Chromium counts as settled after this long with at most one 10 ms tick of CPU. */
const SETTLE_WINDOW_MS = 100

/**
 * Waits until Chromium has been idle for {@link SETTLE_WINDOW_MS} (or
 * {@link SETTLE_MAX_MS} have passed): a new context opens a window whose
 * own browser pages load meanwhile, and they are not the page's cost.
 */
const browserSettled = async () => {
  const deadline = performance.now() + SETTLE_MAX_MS
  let before = browserCpuMs()
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_WINDOW_MS))
    const now = browserCpuMs()
    if (now - before <= 10) return
    before = now
  }
}

/**
 * One cold load of `url`: a fresh browser context (no cache, no cookie, a
 * new tab), settled, then the navigation, timed until the frame that paints
 * every selector is done.
 */
const coldLoad = async (browser: Browser, server: UiProcess, url: string, page: Page): Promise<Load> => {
  const context = await browser.newContext()
  try {
    await context.addInitScript({ content: observeRender(page.selectors) })
    const tab = await context.newPage()
    await browserSettled()
    const loadAverage = load1()
    const pressure = cpuPressure()
    const serverBefore = server.cpuMs()
    const browserBefore = browserCpuMs()
    const mainBefore = mainThread(server.pid)
    const renderersBefore = rendererThreads()
    const signalled = tab.waitForEvent("console", { predicate: (message) => message.text() === RENDERED_SIGNAL, timeout: RENDER_TIMEOUT_MS })
    // Awaited below; a failed navigation must not leave it rejected unhandled.
    signalled.catch(() => undefined)
    await tab.goto(url, { waitUntil: "commit" })
    await signalled
    const mainAfter = mainThread(server.pid)
    const renderer = rendererDelta(renderersBefore, rendererThreads())
    const serverCpuMs = server.cpuMs() - serverBefore
    const browserCpu = browserCpuMs() - browserBefore
    const timings: Timings = await tab.evaluate(READ_TIMINGS)
    // The calls made after the first render (a live page's poll) finish before the next load
    // starts, so that they do not weigh on it; one that outlasts the wait is said so.
    const idle = await tab.waitForLoadState("networkidle", { timeout: IDLE_TIMEOUT_MS }).then(() => true, () => false)
    if (!idle) console.log(`      ${page.name}: requests still running ${IDLE_TIMEOUT_MS / 1000} s after the first render`)
    return {
      renderMs: timings.frame,
      domMs: timings.dom,
      readyMarkMs: timings.ready,
      htmlEndMs: timings.htmlEnd,
      scriptEndMs: timings.scriptEnd,
      apiCalls: timings.api.filter((call) => call.endMs <= timings.dom),
      serverCpuMs,
      browserCpuMs: browserCpu,
      serverMain: { cpuMs: mainAfter.cpuMs - mainBefore.cpuMs, waitMs: mainAfter.waitMs - mainBefore.waitMs },
      renderer,
      loadAverage,
      cpuPressure: pressure
    }
  } finally {
    await context.close()
  }
}

/** `loads` in-app navigations to `page`, each from the app shell's route, after a warm-up: ms to the frame that paints it. */
const inAppLoads = async (browser: Browser, server: UiProcess, page: Page, loads: number): Promise<ReadonlyArray<number>> => {
  const context = await browser.newContext()
  try {
    const tab = await context.newPage()
    await tab.goto(`${server.baseUrl}/${SHELL_HASH}`)
    const inApp: Array<number> = []
    for (let i = 0; i <= loads; i++) {
      await tab.evaluate(`location.hash = ${JSON.stringify(SHELL_HASH)}`)
      await tab.locator("main p.error").waitFor({ timeout: RENDER_TIMEOUT_MS })
      const { frame } = await tab.evaluate(`(${NAVIGATE_IN_APP})(${JSON.stringify([page.selectors, page.hash])})`) as { frame: number }
      await tab.waitForLoadState("networkidle", { timeout: IDLE_TIMEOUT_MS }).catch(() => undefined)
      if (i > 0) inApp.push(frame)
    }
    return inApp
  } finally {
    await context.close()
  }
}

/**
 * A page's cold loads (a warm-up, then `loads`) and, for the app's pages
 * other than its shell, as many in-app navigations.
 */
const loadPage = async (
  browser: Browser,
  server: UiProcess,
  page: Page,
  loads: number
): Promise<{ readonly measured: ReadonlyArray<Load>; readonly inApp: ReadonlyArray<number> }> => {
  const measured: Array<Load> = []
  for (let i = 0; i <= loads; i++) {
    const load = await coldLoad(browser, server, `${server.baseUrl}/${page.hash}`, page)
    if (i > 0) measured.push(load)
  }
  // The shell is where every in-app navigation starts from, and the empty page is no app.
  const inApp = page.hash === SHELL_HASH || page === EMPTY_PAGE ? [] : await inAppLoads(browser, server, page, loads)
  return { measured, inApp }
}

/** The API calls behind a first render, again from Node: the median round trip of each, summed, and the server's CPU per call. */
const apiFromNode = async (server: UiProcess, urls: ReadonlyArray<string>, loads: number) => {
  const times: Array<number> = []
  const cpuBefore = server.cpuMs()
  for (let i = 0; i < loads; i++) {
    const started = performance.now()
    await Promise.all(urls.map(async (url) => (await fetch(`${server.baseUrl}${url}`)).arrayBuffer()))
    times.push(performance.now() - started)
  }
  return { apiMs: round(median(times)), serverCpuMsPerLoad: round((server.cpuMs() - cpuBefore) / loads) }
}

interface Row {
  readonly page: string
  readonly hash: string
  readonly renderMs: number
  readonly domMs: number
  readonly readyMarkMs: number | null
  readonly htmlEndMs: number
  readonly scriptEndMs: number
  /** This page's first render less the empty page's (measured first, on the same run), ms. */
  readonly overEmptyPageMs: number | null
  readonly apiInBrowserMs: number
  readonly apiCalls: ReadonlyArray<string>
  readonly apiMs: number
  readonly apiServerCpuMs: number
  readonly serverCpuMs: number
  readonly browserCpuMs: number
  readonly serverMainCpuMs: number
  readonly serverMainWaitMs: number
  readonly rendererCpuMs: number
  readonly rendererWaitMs: number
  readonly loadAverage: ReadonlyArray<number>
  readonly cpuPressure: ReadonlyArray<number | null>
  readonly rendersMs: ReadonlyArray<number>
  readonly overBudget: boolean
  /** Median of the in-app navigations to the page (a link followed in the running app), ms. */
  readonly inAppMs: number
  readonly inAppRendersMs: ReadonlyArray<number>
  readonly inAppOverBudget: boolean
}

const measureDatabase = async (
  label: keyof typeof BUDGET_MS,
  file: string,
  taskId: string | undefined,
  browser: Browser,
  emptyPage: UiProcess,
  measured: (rows: ReadonlyArray<unknown>) => void
) => {
  const app = await startUi(file)
  try {
    const ids = await discover(app.baseUrl, taskId)
    const pages = pagesOf(ids).filter((page) => PAGE_NAMES === undefined || PAGE_NAMES.includes(page.name))
    const rows: Array<Row | { page: string; hash: string; failed: string; loadAverage: ReadonlyArray<number> }> = []
    let emptyPageMs: number | null = null
    // The baseline first: the empty page, served by the same server code with the same headers.
    const measuredPages = [{ server: emptyPage, page: EMPTY_PAGE }, ...pages.map((page) => ({ server: app, page }))]
    for (const { server, page } of measuredPages) {
      const result = await loadPage(browser, server, page, LOADS).catch((error: unknown) => {
        const message = error instanceof Error ? error.message.split("\n")[0]! : String(error)
        console.log(`${label.padEnd(5)} ${page.name.padEnd(24)} FAILED: ${message} (load avg ${load1()})`)
        rows.push({ page: page.name, hash: page.hash, failed: message, loadAverage: [load1()] })
        return undefined
      })
      if (result === undefined) continue
      const loads = result.measured
      const inAppMs = result.inApp.length === 0 ? 0 : round(median(result.inApp))
      const apiUrls = [...new Set(loads.flatMap((load) => load.apiCalls.map((call) => call.url)))]
      const api = await apiFromNode(server, apiUrls, LOADS)
      const renderMs = round(median(loads.map((l) => l.renderMs)))
      if (page === EMPTY_PAGE) emptyPageMs = renderMs
      const row: Row = {
        page: page.name,
        hash: page.hash,
        renderMs,
        domMs: round(median(loads.map((l) => l.domMs))),
        readyMarkMs: loads.some((l) => l.readyMarkMs === null) ? null : round(median(loads.map((l) => l.readyMarkMs!))),
        htmlEndMs: round(median(loads.map((l) => l.htmlEndMs))),
        scriptEndMs: round(median(loads.map((l) => l.scriptEndMs))),
        overEmptyPageMs: emptyPageMs === null || page === EMPTY_PAGE ? null : round(renderMs - emptyPageMs),
        apiInBrowserMs: round(median(loads.map((l) => Math.max(0, ...l.apiCalls.map((c) => c.endMs - c.startMs))))),
        apiCalls: apiUrls,
        apiMs: api.apiMs,
        apiServerCpuMs: api.serverCpuMsPerLoad,
        serverCpuMs: round(median(loads.map((l) => l.serverCpuMs))),
        browserCpuMs: round(median(loads.map((l) => l.browserCpuMs))),
        serverMainCpuMs: round(median(loads.map((l) => l.serverMain.cpuMs))),
        serverMainWaitMs: round(median(loads.map((l) => l.serverMain.waitMs))),
        rendererCpuMs: round(median(loads.map((l) => l.renderer.cpuMs))),
        rendererWaitMs: round(median(loads.map((l) => l.renderer.waitMs))),
        cpuPressure: loads.map((l) => l.cpuPressure),
        loadAverage: loads.map((l) => l.loadAverage),
        rendersMs: loads.map((l) => round(l.renderMs)),
        overBudget: renderMs > BUDGET_MS[label],
        inAppMs,
        inAppRendersMs: result.inApp.map(round),
        inAppOverBudget: inAppMs > BUDGET_MS[label]
      }
      rows.push(row)
      measured(rows)
      console.log(
        `${label.padEnd(5)} ${page.name.padEnd(24)} render ${String(row.renderMs).padStart(6)} ms (loads ${row.rendersMs.join("/")}; ` +
          `${row.overEmptyPageMs === null ? "" : `${row.overEmptyPageMs} over the empty page; `}html in ${row.htmlEndMs}, assets in ${row.scriptEndMs}, data in DOM ${row.domMs})` +
          `  in-app ${row.inAppMs} ms (${row.inAppRendersMs.join("/")})${row.inAppOverBudget ? " OVER BUDGET" : ""}` +
          `  api ${row.apiMs} ms (in browser ${row.apiInBrowserMs}, server cpu ${row.apiServerCpuMs} ms)` +
          `  to render: server main thread cpu ${row.serverMainCpuMs} ms + run-queue wait ${row.serverMainWaitMs} ms,` +
          ` renderer cpu ${row.rendererCpuMs} ms + wait ${row.rendererWaitMs} ms, all chromium cpu ${row.browserCpuMs} ms` +
          `  load avg ${row.loadAverage.join("/")}, cpu pressure ${row.cpuPressure.join("/")}%${row.overBudget ? "  OVER BUDGET" : ""}`
      )
    }
    return rows
  } finally {
    await app.stop()
  }
}

const main = async () => {
  const started = performance.now()
  mkdirSync(RESULTS, { recursive: true })
  const out = path.join(RESULTS, `ui-${new Date().toISOString().replace(/[:.]/g, "-")}.json`)
  const assets = bundle()
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", node: process.version }
  console.log(`logbook bench ui: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, load ${os.loadavg().map(round).join(", ")}; ${LOADS} loads per page after a warm-up`)
  for (const asset of assets) console.log(`bundle ${asset.file}: ${asset.bytes} bytes, ${asset.gzipBytes} gzipped`)
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine, loads: LOADS, budgetsMs: BUDGET_MS, bundle: assets }
  const write = () => writeFileSync(out, JSON.stringify(results, null, 2) + "\n")
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", WITHOUT_WINDOW_UI]
  })
  const dir = mkdtempSync(path.join(os.tmpdir(), "logbook-bench-ui-"))
  const emptyPage = await startEmptyPage()
  try {
    if (ONLY === undefined || ONLY === "demo") {
      const demoFile = path.join(dir, "demo.db")
      // The demo's checkpoint holds the task's context as it still is: a second checkpoint with
      // another context gives the checkpoint diff rows to show.
      await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
        const demo = yield* runDemo
        const state = yield* StateStore
        yield* state.checkpoint(demo.taskId, { context: { goal: "a changed goal", extra: [1, 2] } })
      }).pipe(Effect.provide(Logbook.layer({ url: demoFile })))))
      results.demo = await measureDatabase("demo", demoFile, undefined, browser, emptyPage, (rows) => {
        results.demo = rows
        write()
      })
      write()
    }
    if (ONLY === undefined || ONLY === "large") {
      const { file, generatedMs } = await largeDatabase(ROWS)
      const companionsMs = await addCompanions(file, ROWS)
      console.log(`large database: ${ROWS} runs (${generatedMs === "cached" ? "cached" : `built in ${generatedMs} ms`}; companions ${companionsMs === "present" ? "cached" : `added in ${companionsMs} ms`})`)
      const large = { rows: ROWS, generatedMs, companionsMs, pages: [] as ReadonlyArray<unknown> }
      results.large = large
      large.pages = await measureDatabase("large", file, COMPANION_TASK, browser, emptyPage, (rows) => {
        large.pages = rows
        write()
      })
      write()
    }
  } finally {
    await browser.close()
    await emptyPage.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  results.seconds = round((performance.now() - started) / 1000)
  results.loadAverageAtEnd = os.loadavg().map(round)
  write()
  console.log(`${results.seconds} s; figures written to ${path.relative(process.cwd(), out)}`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
