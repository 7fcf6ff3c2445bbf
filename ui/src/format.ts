/** How figures are written on the pages. */

/** `1234` → `1,234`. */
export const count = (n: number | null | undefined): string => (n === null || n === undefined ? "–" : n.toLocaleString("en-US"))

/** US dollars, with more digits for small amounts. */
export const usd = (n: number | null | undefined): string =>
  n === null || n === undefined ? "–" : `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`

/** A duration in milliseconds, in the largest fitting unit. */
export const duration = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return "–"
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

/** An ISO-8601 instant as local date and time, to the second. */
export const when = (iso: string | null | undefined): string => {
  if (iso === null || iso === undefined) return "–"
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString("en-GB", { hour12: false })
}

/** A percentage of a ratio from 0 to 1. */
export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`

/** Any JSON value as indented text. */
export const json = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? "")
