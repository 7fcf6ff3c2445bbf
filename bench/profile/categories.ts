/**
 * Where the time of a CPU profile goes: each sample counts once for the
 * frame on top of its stack, and the frame for a category by the URL of its
 * script (logbook's dist/ by source folder, Effect, Schema, @effect/sql, ...).
 *
 * How native SQLite time shows up (checked on profiles of this harness):
 * better-sqlite3's statement and database methods (`run`, `all`, `get`,
 * `iterate`, `prepare`, `exec`, ...) are C++ functions. While one runs
 * SQLite, V8 reports a frame of the method's name with no script URL, under
 * the JS frame that called it: "SQLite (inside better-sqlite3 native calls)".
 * While it converts values between JS and SQLite (binding the parameters,
 * building the result rows as JS objects through V8's API), V8 leaves that
 * frame out and reports the sample as the caller's self time, on the line
 * of the call: those samples (the caller's samples on lines that call
 * better-sqlite3) are "SQLite values to/from JS". When the caller was
 * inlined into another function, its line is that function's and the
 * samples stay with it: the split is approximate.
 * Other native functions count for the code that called them; JS builtins
 * (JSON.parse, JSON.stringify, string methods, ...) have no frame of their
 * own and count for the JS function that called them. `(program)` is time
 * V8 spent outside any JS stack (compilation, the event loop);
 * `(garbage collector)` is the main thread's share of GC.
 */
import type { Profiler } from "node:inspector"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const distUrl = new URL("../../dist/", import.meta.url).href
const benchUrl = new URL("../", import.meta.url).href

/** Native methods of better-sqlite3's Database, Statement and StatementIterator. */
const sqliteNative = new Set([
  "run", "get", "all", "iterate", "raw", "pluck", "expand", "bind", "columns", "safeIntegers",
  "next", "return", "prepare", "exec", "close", "serialize", "function", "aggregate", "table",
  "loadExtension", "defaultSafeIntegers", "unsafeMode", "backup", "Statement", "Database"
])

const SQLITE = "SQLite (inside better-sqlite3 native calls)"
const SQLITE_ROWS = "SQLite values to/from JS (sampled at caller)"
export const PROFILER = "the profiler itself (start/stop)"
const GC = "GC (garbage collector)"
const EFFECT = "Effect runtime"
export const IDLE = "idle (waiting)"
const PROGRAM = "(program): V8/native outside JS frames"

/** The category of a package other than effect and the SQL packages (in node_modules or bench/peers/node_modules). */
const packageCategory = (name: string): string =>
  name === "@langchain/langgraph-checkpoint-sqlite"
    ? "LangGraph SqliteSaver"
    : name.startsWith("@langchain/")
    ? `LangGraph ${name}`
    : `other: ${name}`

/** The category of a script URL. */
const ofUrl = (url: string): string => {
  if (url.startsWith(distUrl)) {
    const relative = url.slice(distUrl.length)
    const slash = relative.indexOf("/")
    return slash < 0 ? `logbook src/${relative.replace(/\.js$/, "")}` : `logbook src/${relative.slice(0, slash)}/`
  }
  const modules = url.lastIndexOf("/node_modules/")
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/")
    const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!
    if (name === "effect") {
      const file = rest.at(-1) ?? ""
      return /^(Schema|ParseResult)/.test(file) || rest.includes("schema")
        ? "effect Schema (decode/encode)"
        : EFFECT
    }
    if (name === "@effect/sql") return "@effect/sql"
    if (name === "@effect/sql-sqlite-node") return "@effect/sql-sqlite-node"
    if (name === "better-sqlite3") return "better-sqlite3 (JS)"
    return packageCategory(name)
  }
  if (url.startsWith(benchUrl)) return "bench harness (loop, baseline's own code)"
  if (url.startsWith("node:")) return "Node.js internals"
  return `other: ${url}`
}

/** One node's category, given the category of its nearest ancestor with a script. */
const categoryOf = (frame: Profiler.ProfileNode["callFrame"], callerCategory: string | undefined): string => {
  switch (frame.functionName) {
    case "(garbage collector)":
      return GC
    case "(idle)":
      return IDLE
    case "(program)":
      return PROGRAM
    case "(root)":
      return "(root)"
  }
  if (frame.url !== "") return ofUrl(frame.url)
  if (sqliteNative.has(frame.functionName) && callerCategory !== undefined && callerCategory !== "Node.js internals") return SQLITE
  // Other native functions (Node's bindings, V8's API callbacks) count for the code that called them.
  return callerCategory ?? `native: ${frame.functionName || "(anonymous)"}`
}

/** Self samples by category and by function over a whole profile (each sample counts once). */
export interface Attribution {
  /** Samples, idle and the profiler's own included. */
  readonly samples: number
  readonly categories: ReadonlyMap<string, number>
  readonly functions: ReadonlyArray<{ readonly name: string; readonly category: string; readonly samples: number }>
  /** The "Effect runtime" samples by module of effect (`internal/fiberRuntime`, `internal/core`, `Hash`, ...). */
  readonly effectModules: ReadonlyMap<string, number>
}

const shortUrl = (url: string) => {
  const modules = url.lastIndexOf("/node_modules/")
  if (modules >= 0) return url.slice(modules + "/node_modules/".length)
  if (url.startsWith(distUrl)) return `dist/${url.slice(distUrl.length)}`
  if (url.startsWith(benchUrl)) return `bench/${url.slice(benchUrl.length)}`
  return url
}

/** A call to one of better-sqlite3's native methods on a line of source. */
const sqliteCall = /\.(all|run|get|iterate|exec|prepare|pluck|raw)\(/

const sourceLines = new Map<string, ReadonlyArray<string>>()
const lineOf = (url: string, line: number): string => {
  let lines = sourceLines.get(url)
  if (lines === undefined) {
    try {
      lines = readFileSync(fileURLToPath(url), "utf8").split("\n")
    } catch {
      lines = []
    }
    sourceLines.set(url, lines)
  }
  return lines[line - 1] ?? ""
}

/**
 * The share of a JS frame's self samples taken while better-sqlite3 was
 * converting values inside a native call it made: the samples on the lines
 * that call one of its native methods. bench/*.ts files run compiled by
 * tsx onto other lines: there every self sample of a frame that calls
 * better-sqlite3 counts (those frames do little besides the call).
 */
const conversionShare = (node: Profiler.ProfileNode): number => {
  const ticks = node.positionTicks ?? []
  const total = ticks.reduce((sum, t) => sum + t.ticks, 0)
  if (total === 0) return 0
  if (node.callFrame.url.startsWith(benchUrl) && !node.callFrame.url.includes("/node_modules/")) return 1
  const onCalls = ticks.filter((t) => sqliteCall.test(lineOf(node.callFrame.url, t.line))).reduce((sum, t) => sum + t.ticks, 0)
  return onCalls / total
}

/** Attributes every sample of `profile` to the frame on top of its stack, and that frame to a category. */
export const attribute = (profile: Profiler.Profile): Attribution => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const category = new Map<number, string>()
  const resolve = (id: number): string => {
    const known = category.get(id)
    if (known !== undefined) return known
    const node = byId.get(id)!
    let caller: string | undefined
    let found: string | undefined
    for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) {
      const frame = byId.get(up)!.callFrame
      if (frame.url === "node:inspector" && frame.functionName === "post") found = PROFILER
      if (caller === undefined && frame.url !== "") caller = resolve(up)
    }
    if (node.callFrame.url === "node:inspector" && node.callFrame.functionName === "post") found = PROFILER
    found ??= categoryOf(node.callFrame, caller)
    category.set(id, found)
    return found
  }
  const selfSamples = new Map<number, number>()
  for (const sample of profile.samples ?? []) selfSamples.set(sample, (selfSamples.get(sample) ?? 0) + 1)
  const categories = new Map<string, number>()
  const functions = new Map<string, { category: string; samples: number }>()
  const add = (name: string, key: string, samples: number) => {
    if (samples === 0) return
    categories.set(name, (categories.get(name) ?? 0) + samples)
    // A native function counts once per category it was called for (`run` of SQLite, `run` of Node's crypto).
    const entry = functions.get(`${key}\u0000${name}`)
    if (entry === undefined) functions.set(`${key}\u0000${name}`, { category: name, samples })
    else entry.samples += samples
  }
  const effectModules = new Map<string, number>()
  let samples = 0
  for (const [id, count] of selfSamples) {
    const node = byId.get(id)!
    const frame = node.callFrame
    samples += count
    const key = frame.url === ""
      ? `${frame.functionName || "(anonymous)"} (native)`
      : `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}${frame.url.startsWith(benchUrl) ? "" : `:${frame.lineNumber + 1}`}`
    const callsSqlite = frame.url !== "" && (node.children ?? []).some((child) => resolve(child) === SQLITE)
    const rows = callsSqlite ? count * conversionShare(node) : 0
    add(SQLITE_ROWS, `${key} [values to/from JS]`, rows)
    add(resolve(id), key, count - rows)
    if (resolve(id) === EFFECT) {
      const module = frame.url.slice(frame.url.lastIndexOf("/effect/dist/") + "/effect/dist/".length).replace(/^(esm|cjs)\//, "").replace(/\.js$/, "")
      effectModules.set(module, (effectModules.get(module) ?? 0) + count)
    }
  }
  return {
    samples,
    categories,
    effectModules,
    functions: [...functions].map(([key, entry]) => ({ name: key.slice(0, key.indexOf("\u0000")), ...entry }))
  }
}
