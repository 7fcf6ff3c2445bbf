/**
 * Hash routing: `#/runs/ID?status=error` is the route `["runs", "ID"]` with
 * its query. Every link the UI builds goes through {@link href}, from route
 * parts it encodes itself: no stored string ever becomes a URL scheme.
 */
import { useEffect, useState } from "preact/hooks"

/** A parsed route. */
export interface Route {
  readonly parts: ReadonlyArray<string>
  readonly query: URLSearchParams
}

const parse = (hash: string): Route => {
  const raw = hash.replace(/^#\/?/, "")
  const [path = "", search = ""] = raw.split("?", 2)
  return {
    parts: path.split("/").filter((part) => part !== "").map((part) => decodeURIComponent(part)),
    query: new URLSearchParams(search)
  }
}

/** The hash link to a route: its parts encoded, the query without empty values. */
export const href = (parts: ReadonlyArray<string>, query: Record<string, string | undefined> = {}): string => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") search.set(key, value)
  const text = search.toString()
  return `#/${parts.map(encodeURIComponent).join("/")}${text === "" ? "" : `?${text}`}`
}

/** Goes to a route. */
export const navigate = (parts: ReadonlyArray<string>, query: Record<string, string | undefined> = {}): void => {
  window.location.hash = href(parts, query)
}

/** The current route, following the location's hash. */
export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parse(window.location.hash))
  useEffect(() => {
    const follow = () => setRoute(parse(window.location.hash))
    window.addEventListener("hashchange", follow)
    return () => window.removeEventListener("hashchange", follow)
  }, [])
  return route
}
