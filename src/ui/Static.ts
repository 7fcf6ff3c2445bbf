/**
 * The built front end, served from a directory: `/` is its `index.html`
 * (read as the server started), `/assets/...` its scripts, styles and
 * fonts. Nothing outside the `assets` folder is reachable.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import { existsSync, statSync } from "node:fs"
import { join, normalize, sep } from "node:path"

const notFound = HttpServerResponse.text("not found", { status: 404 })

/** Routes `/` to `page` (404 when undefined) and `/assets/*` to the files of `root`. */
export const staticFiles = (root: string, page: string | undefined) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function*() {
      const assets = join(root, "assets")
      yield* router.get(
        "/",
        Effect.succeed(
          page === undefined
            ? notFound
            : HttpServerResponse.text(page, { contentType: "text/html; charset=utf-8", headers: { "cache-control": "no-store" } })
        )
      )
      yield* router.get(
        "/assets/*",
        Effect.gen(function*() {
          const request = yield* HttpServerRequest.HttpServerRequest
          const relative = decodeURIComponent(new URL(request.url, "http://ui").pathname.slice("/assets/".length))
          const file = normalize(join(assets, relative))
          if (!file.startsWith(assets + sep) || !existsSync(file) || !statSync(file).isFile()) return notFound
          return yield* HttpServerResponse.file(file, { headers: { "cache-control": "public, max-age=31536000, immutable" } })
        }).pipe(Effect.orElseSucceed(() => notFound))
      )
    })
  )
