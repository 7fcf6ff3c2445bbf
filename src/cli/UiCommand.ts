/**
 * `logbook ui`: serves the web UI over the database — on the loopback
 * interface by default; on `--host`, behind a token printed at start.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { DEFAULT_PORT, LOOPBACK } from "../ui/Defaults.js"
import { database, migrations } from "./Common.js"
import { readLogbook } from "./Databases.js"

const port = Options.integer("port").pipe(
  Options.withDescription(`port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)`),
  Options.withDefault(DEFAULT_PORT)
)
const host = Options.text("host").pipe(
  Options.withDescription(`interface to listen on (default ${LOOPBACK}); any other requires the printed token`),
  Options.optional
)
const open = Options.boolean("open").pipe(Options.withDescription("open the UI in the default browser"))

/** Opens `url` in the desktop's browser, if there is one; never fails. */
const openBrowser = (url: string) =>
  Effect.sync(() => {
    const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open"
    const child = spawn(command, [url], { stdio: "ignore", detached: true })
    child.on("error", () => undefined)
    child.unref()
  })

/** The URL a person opens: the bound address, with the token when there is one. */
const addressUrl = (address: HttpServer.Address, token: string | undefined): string => {
  const base = address._tag === "TcpAddress"
    ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}/`
    : `unix:${address.path}`
  return token === undefined ? base : `${base}?token=${token}`
}

/** `logbook ui`. */
export const uiCommand = Command.make(
  "ui",
  { database, migrations, port, host, open },
  (options) => {
    const token = Option.isSome(options.host) ? randomBytes(24).toString("base64url") : undefined
    return Effect.scoped(Effect.gen(function*() {
      // Loaded here, so that other commands start without the web server's modules.
      const { uiServer } = yield* Effect.promise(() => import("../ui/Server.js"))
      const context = yield* Layer.build(uiServer({ port: options.port, host: Option.getOrElse(options.host, () => LOOPBACK), token }))
      const url = addressUrl(Context.get(context, HttpServer.HttpServer).address, token)
      yield* Console.log(`logbook ui: ${url}`)
      if (token !== undefined) yield* Console.log("every request needs this token (open the URL above once)")
      if (options.open) yield* openBrowser(url)
      return yield* Effect.never
    })).pipe(readLogbook(options.database, options.migrations))
  }
).pipe(Command.withDescription("serve a read-only web UI over the database (runs, trajectories, tasks, audit, lessons, costs)"))
