/**
 * How figures are written on the pages. Whole numbers and instants are
 * written here rather than through `toLocaleString`: that builds a locale
 * formatter per call (and loads the locale's data on a page's first use),
 * which on a table of runs is most of a first render's script time.
 */

const GROUPS = /\B(?=(\d{3})+$)/g

/** `1234` → `1,234` (what `toLocaleString("en-US")` writes). */
export const count = (n: number | null | undefined): string => {
  if (n === null || n === undefined) return "–"
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US")
  const digits = String(Math.abs(n)).replace(GROUPS, ",")
  return n < 0 ? `-${digits}` : digits
}

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

const two = (n: number) => (n < 10 ? `0${n}` : String(n))

/**
 * An ISO-8601 instant as local date and time, to the second: `01/12/2026,
 * 09:05:00` (what `toLocaleString("en-GB", { hour12: false })` writes).
 */
export const when = (iso: string | null | undefined): string => {
  if (iso === null || iso === undefined) return "–"
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const year = date.getFullYear()
  // Years outside 1000-9999 are written as the locale writes them.
  if (year < 1000 || year > 9999) return date.toLocaleString("en-GB", { hour12: false })
  return `${two(date.getDate())}/${two(date.getMonth() + 1)}/${year}, ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

/** A percentage of a ratio from 0 to 1. */
export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`

/** Any JSON value as indented text. */
export const json = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? "")
