/**
 * `logbook copy --from URL --to URL`: moves every table of one database into
 * another (SQLite to PostgreSQL and back) with a progress bar on stderr
 * (a terminal only, never with `--json`), then prints each table's rows and
 * checksum as verified on both sides.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { copy, type CopyReport } from "../Copy.js"
import { integer, json, migrations, output, table } from "./Common.js"
import { withProgress } from "./Progress.js"
import { Streams } from "./Streams.js"
import { count } from "./Text.js"

const describeCopy = (report: CopyReport) =>
  [
    `copied ${count(report.rows)} ${report.rows === 1 ? "row" : "rows"} from ${report.from} to ${report.to} (${
      count(report.inserted)
    } written, ${count(report.rows - report.inserted)} already there); every table verified`,
    table(
      ["TABLE", "ROWS", "WRITTEN", "CHECKSUM"],
      report.tables.map((t) => [t.table, count(t.sourceRows), count(t.inserted), t.sourceChecksum.slice(0, 16)])
    )
  ].join("\n")

/** The `copy` command. */
export const copyCommand = Command.make(
  "copy",
  {
    from: Options.text("from").pipe(Options.withDescription("the database to copy: a file path, file:... or postgres://...")),
    to: Options.text("to").pipe(Options.withDescription("the database to copy into, migrated first (a new file is created)")),
    pageSize: integer("page-size").pipe(
      Options.withDescription("rows per page read and per transaction written (default 500)"),
      Options.optional
    ),
    migrations,
    json
  },
  ({ from, json: asJson, migrations: directories, pageSize, to }) =>
    Effect.gen(function*() {
      const streams = yield* Streams
      const target = {
        isTTY: streams.stderr.isTTY && !asJson,
        write: (text: string) => Effect.runFork(streams.stderr.write(text))
      }
      const report = yield* withProgress("copying", undefined, (progress) =>
        copy({
          from: { url: from, migrationsDirectories: directories },
          to: { url: to, migrationsDirectories: directories },
          pageSize: pageSize._tag === "Some" ? pageSize.value : undefined,
          progress: { total: progress.setTotal, advance: progress.advance }
        }), target)
      yield* output(asJson, report, () => describeCopy(report))
    })
).pipe(
  Command.withDescription(
    "copy every table of one database into another (SQLite to PostgreSQL and back), then verify row counts and a checksum per table; rows already in the target are kept, so running it twice is harmless"
  )
)
