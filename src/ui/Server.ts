/**
 * The logbook UI's web server: the JSON API, its OpenAPI document at
 * `/api/openapi.json` and the built front end, behind the access rules of
 * `Access.ts`. It reads the stores of `Logbook.layer` and writes nothing.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { existsSync } from "node:fs"
import { createServer } from "node:http"
import { fileURLToPath } from "node:url"
import { guard } from "./Access.js"
import { UiApiLive } from "./Handlers.js"
import { builtPage } from "./Inline.js"
import { staticFiles } from "./Static.js"

export { DEFAULT_PORT, LOOPBACK } from "./Defaults.js"

/**
 * Where the built front end is: beside this module in `web/` (the package's
 * `dist/ui/web`), else, when running from the sources, the repository's
 * `dist/ui/web` left by `npm run build`.
 */
export const builtAssets = (): string => {
  const beside = fileURLToPath(new URL("./web/", import.meta.url))
  return existsSync(beside) ? beside : fileURLToPath(new URL("../../dist/ui/web/", import.meta.url))
}

/** How the UI is served. */
export interface UiServerOptions {
  readonly port: number
  readonly host: string
  /** Required from every client when set (see `Access.ts`); leave it out only on the loopback. */
  readonly token?: string | undefined
  /** The built front end's directory; the package's own by default. */
  readonly assets?: string | undefined
}

/**
 * The UI's server, listening while the layer is alive; its `HttpServer`
 * tells the bound address. The built page is read once, as it starts:
 * served as read, and its inline script and style allowed by the
 * Content-Security-Policy.
 */
export const uiServer = (options: UiServerOptions) => {
  const assets = options.assets ?? builtAssets()
  return Layer.unwrapEffect(Effect.sync(() => builtPage(assets)).pipe(Effect.map((page) =>
    HttpApiBuilder.serve(guard(options.token, page.inline)).pipe(
      Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/api/openapi.json" })),
      Layer.provide(staticFiles(assets, page.html)),
      Layer.provide(UiApiLive),
      Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: options.port, host: options.host }))
    )
  )))
}
