/**
 * Who may read the UI, and the headers every response carries.
 *
 * - Only `GET` and `HEAD`: the UI never writes.
 * - Without a token (bound to the loopback interface), the `Host` header
 *   must name the loopback (`localhost`, `127.0.0.1`, `[::1]`), so that a web
 *   page cannot reach the UI through a rebound DNS name.
 * - With a token (any other interface), every request carries it: as
 *   `Authorization: Bearer <token>`, or as the cookie set when the page is
 *   first opened with `/?token=<token>`.
 * - A strict Content-Security-Policy: scripts, styles and connections from
 *   the UI's own origin only, no inline script or style but the built
 *   page's own (allowed by their hashes, `Inline.ts`), no frames, no
 *   plugins; and no page may frame the UI.
 * - No Cross-Origin-Opener-Policy: with one, Chromium opens every visit in
 *   a renderer process of its own, started once the HTML has arrived (the
 *   tab's own process cannot be used), which took about as long as the
 *   whole rest of a page's first render (bench/README.md, "UI pages"). The
 *   UI cannot be framed, and it has no message or cross-window interface a
 *   page that opened it could use.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { timingSafeEqual } from "node:crypto"
import type { InlineSources } from "./Inline.js"

/** The cookie that carries the token after the first visit. */
export const TOKEN_COOKIE = "logbook_ui_token"

/** The Content-Security-Policy of every response, allowing the built page's own inline script and style. */
export const contentSecurityPolicy = (inline: InlineSources): string => [
  "default-src 'none'",
  ["script-src 'self'", ...inline.scripts].join(" "),
  ["style-src 'self'", ...inline.styles].join(" "),
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ")

const securityHeaders = (inline: InlineSources) => ({
  "content-security-policy": contentSecurityPolicy(inline),
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin"
})

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"])

/** The host name of a `Host` header, without its port. */
const hostName = (host: string): string => {
  const bracket = host.startsWith("[") ? host.indexOf("]") : -1
  if (bracket > 0) return host.slice(0, bracket + 1).toLowerCase()
  const colon = host.lastIndexOf(":")
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase()
}

const sameSecret = (given: string, token: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

const refuse = (headers: Record<string, string>, status: number, message: string) =>
  HttpServerResponse.text(message, { status, headers })

const presentedToken = (request: HttpServerRequest.HttpServerRequest): string | undefined => {
  const authorization = Option.getOrUndefined(Headers.get(request.headers, "authorization"))
  if (authorization !== undefined && authorization.startsWith("Bearer ")) return authorization.slice("Bearer ".length)
  return request.cookies[TOKEN_COOKIE]
}

/**
 * Wraps the UI's app with the access rules above; `token` undefined means
 * a loopback-only server, `inline` are the built page's inline elements.
 */
export const guard = (token: string | undefined, inline: InlineSources) => {
  const headers = securityHeaders(inline)
  return <E, R>(app: HttpApp.Default<E, R>) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (request.method !== "GET" && request.method !== "HEAD") return refuse(headers, 405, "read-only")
      if (token === undefined) {
        const host = Option.getOrUndefined(Headers.get(request.headers, "host"))
        if (host === undefined || !LOOPBACK_HOSTS.has(hostName(host))) return refuse(headers, 403, "forbidden host")
      } else {
        const url = new URL(request.url, "http://ui")
        const query = url.searchParams.get("token")
        if (url.pathname === "/" && query !== null && sameSecret(query, token)) {
          return HttpServerResponse.empty({ status: 303, headers: { ...headers, location: "/" } }).pipe(
            HttpServerResponse.unsafeSetCookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: "strict", path: "/" })
          )
        }
        const given = presentedToken(request)
        if (given === undefined || !sameSecret(given, token)) return refuse(headers, 401, "a token is required")
      }
      // The server writes the app's response itself: headers go on through a pre-response handler.
      yield* HttpApp.appendPreResponseHandler((_request, response) =>
        Effect.succeed(HttpServerResponse.setHeaders(response, headers))
      )
      return yield* app
    })
}
