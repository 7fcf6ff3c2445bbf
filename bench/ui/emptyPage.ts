/**
 * The UI benchmark's baseline: the UI's own server (`uiServer`, with its
 * access rules, headers and static route) serving, as its front end, one
 * page with a line of text and no script, over an empty in-memory database.
 * Loaded like the app's pages, it shows what a cold first render costs the
 * browser and the server before the app does anything.
 *
 *   node --import tsx bench/ui/emptyPage.ts
 */
import * as HttpServer from "@effect/platform/HttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Logbook from "../../src/Logbook.js"
import { LOOPBACK } from "../../src/ui/Defaults.js"
import { uiServer } from "../../src/ui/Server.js"

/** The page: what the app's `index.html` has, without its script and stylesheet, and one line of text (`EMPTY_PAGE`'s selector). */
const EMPTY_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>logbook</title>
  </head>
  <body>
    <p class="empty">An empty page.</p>
  </body>
</html>
`

const assets = Effect.acquireRelease(
  Effect.sync(() => {
    const root = mkdtempSync(path.join(os.tmpdir(), "logbook-empty-page-"))
    mkdirSync(path.join(root, "assets"))
    writeFileSync(path.join(root, "index.html"), EMPTY_PAGE)
    return root
  }),
  (root) => Effect.sync(() => rmSync(root, { recursive: true, force: true }))
)

const main = Effect.scoped(Effect.gen(function*() {
  const root = yield* assets
  const context = yield* Layer.build(uiServer({ port: 0, host: LOOPBACK, assets: root }))
  const address = Context.get(context, HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("the empty page's server has no TCP address")
  // The line `logbook ui` prints, so that the benchmark starts both alike.
  yield* Console.log(`logbook ui: http://${address.hostname}:${address.port}/`)
  return yield* Effect.never
})).pipe(Effect.provide(Logbook.layer({ url: ":memory:" })))

NodeRuntime.runMain(main)
