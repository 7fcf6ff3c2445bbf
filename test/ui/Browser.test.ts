/**
 * The UI in real headless Chromium (Debian's `chromium`) on the demo
 * database: every page opens, runs filter, a run leads to its trajectory,
 * lessons are found, the audit table exports; hostile stored text renders
 * as text and runs nothing. Screenshots and first-render times go to
 * `test-artifacts/ui/` (not committed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { type BrowserContext, chromium, type Page } from "playwright-core"
import { build } from "vite"
import { ExecutionTracker } from "../../src/ExecutionTracker.js"
import * as Logbook from "../../src/Logbook.js"
import { WITHOUT_WINDOW_UI } from "../support/Chromium.js"
import { repoRoot } from "../support/ChildProcess.js"
import { HOSTILE, HOSTILE_SESSION, UiFixture, uiFixture, type UiFixtureValue } from "./UiFixture.js"

const ARTIFACTS = path.join(repoRoot, "test-artifacts", "ui")
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
  WITHOUT_WINDOW_UI
]

let work: string
let runtime: ManagedRuntime.ManagedRuntime<UiFixture, unknown>
let fixture: UiFixtureValue
let browser: BrowserContext
const firstRender: Record<string, number> = {}
const pageErrors: Array<string> = []

/**
 * Opens `hash` on a fresh document load and waits for `selector`; records the
 * time from the start of the navigation to its first appearance.
 */
const open = async (page: Page, name: string, hash: string, selector: string) => {
  await page.goto("about:blank")
  await page.goto(`${fixture.baseUrl}/${hash}`, { waitUntil: "commit" })
  const rendered = await page.waitForFunction(
    (wanted) => ((globalThis as unknown as BrowserGlobals).document.querySelector(wanted) === null ? false : performance.now()),
    selector,
    { polling: "raf" }
  )
  firstRender[name] = Math.round(Number(await rendered.jsonValue()))
}

/** The requests of the page's document so far (Resource Timing): path, when each started and when its response ended. */
const requests = (page: Page) =>
  page.evaluate(() =>
    performance.getEntriesByType("resource").map((entry) => ({
      path: new URL(entry.name).pathname,
      start: entry.startTime,
      end: "responseEnd" in entry ? Number(entry.responseEnd) : Number.NaN
    })))

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })

let page: Page

/** The part of the page's globals the timing probe reads (the test compiles without the DOM library). */
interface BrowserGlobals {
  readonly document: { querySelector(selector: string): unknown }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "logbook-ui-browser-"))
  mkdirSync(ARTIFACTS, { recursive: true })
  const assets = path.join(work, "web")
  await build({ configFile: path.join(repoRoot, "ui", "vite.config.ts"), build: { outDir: assets, emptyOutDir: true } })
  runtime = ManagedRuntime.make(uiFixture(assets))
  fixture = await runtime.runPromise(UiFixture)
  browser = await chromium.launchPersistentContext(path.join(work, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true
  })
  page = browser.pages()[0] ?? await browser.newPage()
  page.on("pageerror", (error) => pageErrors.push(error.message))
  page.on("dialog", (dialog) => {
    pageErrors.push(`dialog: ${dialog.message()}`)
    void dialog.dismiss()
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await runtime?.dispose()
  writeFileSync(path.join(ARTIFACTS, "first-render-ms.json"), JSON.stringify(firstRender, null, 2))
  rmSync(work, { recursive: true, force: true })
})

describe("logbook ui in Chromium, on the demo database", () => {
  it("Runs: lists the runs with their cost, filters by status, and shows a new run without a reload", async () => {
    await open(page, "runs", "#/runs", "#runs tbody tr")
    await expect.poll(() => page.locator("#runs tbody tr").count()).toBe(2)
    expect(await page.locator("#runs").innerText()).toContain("$0.0341")
    await shot(page, "runs")
    await page.selectOption("select[name=status]", "error")
    await page.click("form.filters button[type=submit]")
    await expect.poll(() => page.locator("#runs tbody tr").count()).toBe(1)
    expect(await page.locator("#runs tbody tr").innerText()).toContain(HOSTILE.script)
    expect(page.url()).toContain("status=error")
    await page.goto(`${fixture.baseUrl}/#/runs`)
    await expect.poll(() => page.locator("#runs tbody tr").count()).toBe(2)
    await Effect.runPromise(
      Effect.flatMap(ExecutionTracker, (tracker) =>
        tracker.startTrace({ projectId: "live", taskId: "task-live", prompt: "a run started while the page is open" })).pipe(
        Effect.provide(Logbook.layer({ url: fixture.database }))
      )
    )
    await expect.poll(() => page.locator("#runs tbody tr").count(), { timeout: 15_000 }).toBe(3)
    expect(await page.locator("#runs").innerText()).toContain("a run started while the page is open")
  })

  it("a time filter is a text field until reached, then the browser's date-time picker, and filters runs by time", async () => {
    await open(page, "runs", "#/runs", "#runs tbody tr")
    const since = page.locator("input[name=since]")
    const until = page.locator("input[name=until]")
    expect(await since.getAttribute("type")).toBe("text")
    expect(await until.getAttribute("type")).toBe("text")
    await since.click()
    await expect.poll(() => since.getAttribute("type")).toBe("datetime-local")
    await until.focus()
    await expect.poll(() => until.getAttribute("type")).toBe("datetime-local")
    await since.fill("2999-01-01T00:00")
    await page.click("form.filters button[type=submit]")
    await expect.poll(() => page.locator("#runs + p.muted").innerText()).toBe("No runs match.")
    expect(decodeURIComponent(page.url())).toMatch(/since=2999-01-01T\d\d:00:00\.000Z/)
    expect(await page.locator("input[name=since]").inputValue()).toBe("2999-01-01T00:00")
    await page.locator("input[name=since]").fill("2000-01-01T00:00")
    await page.click("form.filters button[type=submit]")
    await expect.poll(() => page.locator("#runs tbody tr").count()).toBeGreaterThan(0)
  })

  it("a run's page shows its timeline, invocations and LLM calls, errors highlighted, and links to its trajectory and task", async () => {
    await open(page, "run", `#/runs/${fixture.demo.traceId}`, ".waterfall .wf-row")
    expect(await page.locator(".wf-invocation").count()).toBe(3)
    expect(await page.locator(".wf-llm").count()).toBe(3)
    expect(await page.locator("#task-link").innerText()).toBe(fixture.demo.taskId)
    await shot(page, "run")
    await page.click(`#run-trajectories a`)
    await page.locator(".step").first().waitFor()
    expect(page.url()).toContain(`#/trajectories/${fixture.demo.sessionId}`)
    expect(await page.locator(".step").count()).toBe(fixture.demo.trajectory.steps)
    await shot(page, "trajectory")
    await open(page, "failed-run", `#/runs/${fixture.failedRunId}`, ".error-block")
    expect(await page.locator(".wf-failed").count()).toBeGreaterThan(0)
    expect(await page.locator(".row-error").count()).toBeGreaterThan(0)
  })

  it("Trajectories: lists, searches with snippets, and shows two side by side", async () => {
    await open(page, "trajectories", "#/trajectories", "#trajectories tbody tr")
    expect(await page.locator("#trajectories tbody tr").count()).toBe(2)
    await shot(page, "trajectories")
    await page.check("#trajectories tbody tr:nth-child(1) input[type=checkbox]")
    await page.check("#trajectories tbody tr:nth-child(2) input[type=checkbox]")
    await page.click("text=Compare the two selected")
    await expect.poll(() => page.locator(".compare .trajectory").count()).toBe(2)
    await shot(page, "compare")
    await page.goto(`${fixture.baseUrl}/#/trajectories?text=iframe`)
    await expect.poll(() => page.locator("#trajectories tbody tr").count()).toBe(1)
    const marks = await page.locator("#trajectories mark").allInnerTexts()
    expect(marks.length).toBeGreaterThan(0)
    expect(marks.every((mark) => mark === "iframe")).toBe(true)
  })

  it("Tasks: the list, a task's transitions and checkpoints, and the diff of two checkpoints' contexts", async () => {
    await open(page, "tasks", "#/tasks", "#tasks tbody tr")
    await shot(page, "tasks")
    await open(page, "task", `#/tasks/${fixture.demo.taskId}`, "#transitions li")
    expect(await page.locator("#checkpoints tbody tr").count()).toBe(2)
    await page.selectOption("select[name=to]", fixture.secondCheckpoint)
    await page.click("form.filters button[type=submit]")
    await page.locator("#diff").waitFor()
    expect(await page.locator("#diff").innerText()).toContain("changed goal")
    await shot(page, "task")
    // Opened with the diff in its address, the page asks for the diff beside the task, not once the task is shown.
    const address = page.url().slice(page.url().indexOf("#"))
    await open(page, "task + diff", address, "#diff tbody tr")
    const calls = await requests(page)
    const task = calls.find((call) => call.path === `/api/tasks/${encodeURIComponent(fixture.demo.taskId)}`)
    const diff = calls.find((call) => call.path.endsWith("/diff"))
    expect(task).toBeDefined()
    expect(diff!.start).toBeLessThan(task!.end)
  })

  it("Audit: the table, filtered, and its CSV export", async () => {
    await open(page, "audit", "#/audit?project=demo", "#audit tbody tr")
    expect(await page.locator("#audit tbody tr").count()).toBe(fixture.demo.run.auditEntries)
    await shot(page, "audit")
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")])
    const file = path.join(work, "audit.csv")
    await download.saveAs(file)
    const lines = readFileSync(file, "utf8").trim().split("\r\n")
    expect(lines[0]).toContain("action")
    expect(lines).toHaveLength(fixture.demo.run.auditEntries + 1)
  })

  it("Lessons: a search highlights the matched words", async () => {
    await open(page, "lessons", "#/lessons", "#lessons li")
    await page.fill("input[name=text]", fixture.demo.lesson!.query)
    await page.click("form.filters button[type=submit]")
    await page.locator("#lessons mark").first().waitFor()
    expect(await page.locator("#lessons h3").allInnerTexts()).toEqual([expect.stringContaining(fixture.demo.lesson!.title)])
    await shot(page, "lessons")
  })

  it("Costs and health: charts of cost and tokens per day, agent health, and the doctor's findings when asked", async () => {
    await open(page, "costs", "#/costs", ".chart canvas")
    await expect.poll(() => page.locator(".chart canvas").count()).toBe(3)
    // The chart library is asked for while the page is parsed, before the app's script asks for the figures.
    const calls = await requests(page)
    const chartsAt = calls.find((call) => call.path.startsWith("/assets/UPlot-"))?.start
    const figuresAt = calls.find((call) => call.path === "/api/costs")?.start
    expect(chartsAt).toBeDefined()
    expect(chartsAt!).toBeLessThan(figuresAt!)
    expect(await page.locator("#agents").innerText()).toContain("deployer")
    expect(await page.locator("#doctor").count()).toBe(0)
    await page.click("#check-health")
    await page.locator("#doctor").waitFor()
    expect(await page.locator("#doctor").innerText()).toContain("Healthy")
    await shot(page, "costs")
  })

  it("Agents: the demo's agents, an agent's sessions, and a session's effective configuration and nested log tree", async () => {
    await open(page, "agents", "#/agents", "#agent-list tbody tr")
    expect(await page.locator("#agent-list tbody tr td:first-child").allInnerTexts()).toEqual(["planner", "builder", "tester"])
    await shot(page, "agents")
    await page.click("#agent-list a:text-is('builder')")
    await page.locator("#sessions tbody tr").first().waitFor()
    expect(await page.locator("#sessions tbody tr").count()).toBe(1)
    const agentUrl = page.url().slice(page.url().indexOf("#"))
    await open(page, "agent", agentUrl, "#sessions tbody tr")
    await shot(page, "agent")
    await page.click("#sessions tbody tr a")
    await page.locator("#log-tree .log-node").first().waitFor()
    const sessionUrl = page.url().slice(page.url().indexOf("#"))
    expect(sessionUrl).toMatch(/^#\/sessions\//)
    await open(page, "session", sessionUrl, "#log-tree .log-node")
    expect(await page.locator("#log-tree .log-node").count()).toBe(4)
    expect(await page.locator("#log-tree > .log-tree > .log-node > .log-tree > .log-node > .log-tree > .log-node pre").innerText())
      .toBe("wrote 42 bytes")
    expect(await page.locator("main").innerText()).toContain("acceptEdits")
    await shot(page, "session")
  })

  it("a trajectory holding <script>, <img onerror> and javascript: links renders them as text and runs nothing", async () => {
    await open(page, "hostile-trajectory", `#/trajectories/${HOSTILE_SESSION}`, ".step")
    await page.click("details summary")
    const text = await page.locator("main").innerText()
    for (const hostile of Object.values(HOSTILE)) expect(text).toContain(hostile)
    expect(await page.locator("main script, main img, main iframe, main svg").count()).toBe(0)
    expect(await page.locator("a[href^='javascript']").count()).toBe(0)
    await open(page, "hostile-run", `#/runs/${fixture.failedRunId}`, ".error-block")
    expect(await page.locator(".error-block").innerText()).toContain(HOSTILE.img)
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined()
    await shot(page, "hostile")
    expect(pageErrors).toEqual([])
  })
})
