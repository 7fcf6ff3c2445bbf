/**
 * `logbook trajectories search|show|list|import|export`: agent trajectories
 * (ATIF) in the store, from ATIF files in and as JSON Lines out.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import { NotFound } from "../Errors.js"
import { type Content, decodeTrajectory } from "../trajectory/Atif.js"
import type { StoredTrajectory, TrajectoryHit, TrajectoryInfo } from "../trajectory/StoredTrajectory.js"
import { TrajectoryStore } from "../TrajectoryStore.js"
import { CliExit, common, integer, output, table } from "./Common.js"
import { readLogbook, withLogbook } from "./Databases.js"
import { since as parseSince } from "./Durations.js"
import { withProgress } from "./Progress.js"
import { printError } from "./Streams.js"
import { clip, count, fields, oneLine, usd } from "./Text.js"
import { refuseDatabaseFile } from "./OutputGuard.js"
import { writeText } from "./TextOutput.js"

const ENTITY = "trajectory"

const limit = (fallback: number) =>
  integer("limit").pipe(Options.withDescription(`at most this many (default ${fallback})`), Options.withDefault(fallback))

const agentOption = Options.text("agent").pipe(Options.withDescription("only this agent's trajectories"), Options.optional)

const sinceOption = Options.text("since").pipe(
  Options.withDescription("only trajectories stored at or after this time: ISO-8601 or a span back from now (7d)"),
  Options.optional
)

const describeInfos = (infos: ReadonlyArray<TrajectoryInfo>) =>
  infos.length === 0
    ? "No trajectories."
    : table(
      ["SESSION", "AGENT", "MODEL", "STEPS", "TASK", "STORED", "ID"],
      infos.map((t) => [
        t.sessionId ?? "",
        clip(t.agentName, 20),
        t.modelName ?? "",
        String(t.stepCount),
        clip(t.taskId ?? "", 32),
        t.createdAt,
        t.id
      ])
    )

const describeHits = (hits: ReadonlyArray<TrajectoryHit>) =>
  hits.length === 0
    ? "No trajectories found."
    : table(
      ["SESSION", "AGENT", "MODEL", "STEPS", "SNIPPET", "ID"],
      hits.map((t) => [t.sessionId ?? "", clip(t.agentName, 20), t.modelName ?? "", String(t.stepCount), clip(t.snippet, 72), t.id])
    )

const contentText = (content: Content | undefined): string =>
  content === undefined
    ? ""
    : typeof content === "string"
    ? content
    : content.map((part) => part.text ?? (part.source == null ? "" : `[${part.type}: ${part.source.path}]`)).join(" ")

const describeStored = (stored: StoredTrajectory) => {
  const header = fields([
    ["session", stored.sessionId ?? ""],
    ["id", stored.id],
    ["schema", stored.schemaVersion],
    ["agent", `${stored.agentName} ${stored.agentVersion}`],
    ["model", stored.modelName ?? ""],
    ["task", stored.taskId ?? ""],
    ["steps", String(stored.stepCount)],
    [
      "tokens",
      stored.totalPromptTokens === null && stored.totalCompletionTokens === null
        ? ""
        : `${count(stored.totalPromptTokens ?? 0)} prompt, ${count(stored.totalCompletionTokens ?? 0)} completion`
    ],
    ["cost", stored.totalCostUsd === null ? "" : usd(stored.totalCostUsd)],
    ["stored", stored.createdAt]
  ])
  const steps = table(
    ["STEP", "SOURCE", "TIME", "TOOLS", "MESSAGE"],
    stored.trajectory.steps.map((step) => [
      String(step.step_id),
      step.source,
      step.timestamp ?? "",
      (step.tool_calls ?? []).map((call) => call.function_name).join(","),
      clip(contentText(step.message), 80)
    ])
  )
  return `${header}\n\n${steps}`
}

const searchCommand = Command.make(
  "search",
  {
    ...common,
    text: Args.text({ name: "TEXT" }).pipe(Args.withDescription("words to find in messages, reasoning and observations"), Args.atLeast(1)),
    limit: limit(20)
  },
  ({ database, json, limit, migrations, text }) =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const hits = yield* store.search({ query: text.join(" "), limit })
      yield* output(json, hits, () => describeHits(hits))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("full-text search over stored trajectories, best match first"))

const showCommand = Command.make(
  "show",
  { ...common, id: Args.text({ name: "ID" }).pipe(Args.withDescription("the session id")) },
  ({ database, id, json, migrations }) =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const stored = yield* store.get(id)
      if (Option.isNone(stored)) return yield* new NotFound({ entity: ENTITY, id })
      yield* output(json, stored.value, () => describeStored(stored.value))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("one stored trajectory with its steps"))

const listCommand = Command.make(
  "list",
  { ...common, agent: agentOption, since: sinceOption, limit: limit(50) },
  ({ agent, database, json, limit, migrations, since }) =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const after = Option.isSome(since) ? yield* parseSince(since.value) : undefined
      const infos = yield* store.list({
        agentName: Option.getOrUndefined(agent),
        ...(after === undefined ? {} : { since: after }),
        limit
      })
      yield* output(json, infos, () => describeInfos(infos))
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("stored trajectories, newest first"))

// --- import ----------------------------------------------------------------

/** What became of one trajectory given to `import`: `source` is the file, or `file:line` in a JSON Lines file. */
export interface ImportOutcome {
  readonly source: string
  readonly ok: boolean
  /** The id the trajectory is stored under (`trajectories show ID`). */
  readonly id: string | null
  readonly sessionId: string | null
  readonly steps: number | null
  readonly error: string | null
}

interface Document {
  readonly source: string
  readonly value: unknown
  readonly error: string | null
}

const reason = (cause: unknown) => oneLine(cause instanceof Error ? cause.message : String(cause))

/** The trajectories of a file: one JSON document, or one per line of a JSON Lines file. */
const documentsOf = (file: string): ReadonlyArray<Document> => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (cause) {
    return [{ source: file, value: null, error: `cannot read the file: ${reason(cause)}` }]
  }
  try {
    return [{ source: file, value: JSON.parse(text), error: null }]
  } catch (cause) {
    const lines = text.split("\n").map((line, index) => ({ line: line.trim(), number: index + 1 })).filter((l) => l.line !== "")
    if (lines.length < 2) return [{ source: file, value: null, error: `not valid JSON: ${reason(cause)}` }]
    return lines.map(({ line, number }) => {
      const source = `${file}:${number}`
      try {
        return { source, value: JSON.parse(line), error: null }
      } catch (lineCause) {
        return { source, value: null, error: `not valid JSON: ${reason(lineCause)}` }
      }
    })
  }
}

const importOne = (store: TrajectoryStore, document: Document) =>
  Effect.gen(function*() {
    const failed = (error: string): ImportOutcome => ({
      source: document.source,
      ok: false,
      id: null,
      sessionId: null,
      steps: null,
      error: oneLine(error)
    })
    if (document.error !== null) return failed(document.error)
    const decoded = yield* Effect.either(decodeTrajectory(document.value))
    if (decoded._tag === "Left") return failed(decoded.left.message)
    const trajectory = decoded.right
    const saved = yield* Effect.either(store.save(trajectory))
    if (saved._tag === "Left") {
      if (saved.left._tag === "ValidationError") return failed(saved.left.message)
      return yield* saved.left
    }
    const outcome: ImportOutcome = {
      source: document.source,
      ok: true,
      id: saved.right,
      sessionId: trajectory.session_id ?? null,
      steps: trajectory.steps.length,
      error: null
    }
    return outcome
  })

const importCommand = Command.make(
  "import",
  {
    ...common,
    files: Args.text({ name: "FILE" }).pipe(
      Args.withDescription("ATIF trajectory files (.json, or .jsonl with one trajectory per line)"),
      Args.atLeast(1)
    )
  },
  ({ database, files, json, migrations }) =>
    Effect.gen(function*() {
      const store = yield* TrajectoryStore
      const outcomes = yield* withProgress("importing trajectories", files.length, (progress) =>
        Effect.forEach(files, (file) =>
          Effect.forEach(documentsOf(file), (document) =>
            importOne(store, document).pipe(
              Effect.tap((outcome) =>
                outcome.ok ? Effect.void : printError(`logbook: ${outcome.source}: ${outcome.error}`)
              )
            )).pipe(Effect.tap(() => progress.advance(1)))).pipe(Effect.map((perFile) => perFile.flat())))
      const imported = outcomes.filter((o) => o.ok)
      yield* output(json, outcomes, () =>
        [
          ...imported.map((o) =>
          `imported ${o.source}: session ${o.sessionId ?? "(none)"} (${o.steps} steps)${
            o.id === o.sessionId ? "" : `, stored as ${o.id}`
          }`
        ),
          `${imported.length} of ${outcomes.length} trajectories imported`
        ].join("\n"))
      if (imported.length < outcomes.length) return yield* new CliExit({ code: 1 })
    }).pipe(withLogbook(database, migrations))
).pipe(
  Command.withDescription(
    "validate ATIF files and store each trajectory; a file that fails is named on stderr, the others are still imported (exit 1 if any failed)"
  )
)

// --- export ----------------------------------------------------------------

interface ExportResult {
  readonly file: string | null
  readonly trajectories: number
  readonly bytes: number
}

const exportCommand = Command.make(
  "export",
  {
    ...common,
    agent: agentOption,
    since: sinceOption,
    out: Options.text("out").pipe(Options.withDescription("write to this file instead of stdout"), Options.optional)
  },
  ({ agent, database, json, migrations, out, since }) =>
    Effect.gen(function*() {
      const after = Option.isSome(since) ? yield* parseSince(since.value) : undefined
      if (Option.isSome(out)) yield* refuseDatabaseFile(out.value, "--out")
      const store = yield* TrajectoryStore
      const selection = { agentName: Option.getOrUndefined(agent), ...(after === undefined ? {} : { since: after }) }
      const total = process.stderr.isTTY === true ? yield* store.count(selection) : undefined
      let trajectories = 0
      const bytes = yield* withProgress("exporting trajectories", total, (progress) =>
        writeText(
          Option.getOrUndefined(out),
          store.exportStream(selection).pipe(
            Stream.tap((piece) => {
              const lines = piece.split("\n").length - 1
              trajectories += lines
              return progress.advance(lines)
            })
          )
        ))
      if (Option.isSome(out)) {
        const result: ExportResult = { file: out.value, trajectories, bytes }
        yield* output(json, result, () => `exported ${count(trajectories)} trajectories as JSON Lines to ${out.value}`)
      }
    }).pipe(readLogbook(database, migrations))
).pipe(Command.withDescription("write stored trajectories as JSON Lines (one ATIF document per line) to --out FILE or stdout"))

/** `logbook trajectories ...`. */
export const trajectoriesCommand = Command.make("trajectories").pipe(
  Command.withDescription("agent trajectories (ATIF)"),
  Command.withSubcommands([searchCommand, showCommand, listCommand, importCommand, exportCommand])
)
