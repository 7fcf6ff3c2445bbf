/**
 * How a value crosses from one dialect to the other, and its canonical form
 * for the per-table checksum. SQLite stores JSON as text, integers as
 * numbers, booleans as 0/1 and blobs as `Buffer`; PostgreSQL (through `pg`)
 * gives `jsonb`/`json` parsed, `bigint` as a string, `boolean` as a boolean
 * and `bytea` as `Buffer`. `jsonb` keeps no key order nor duplicate keys,
 * so JSON is compared as its parsed value with sorted keys; PostgreSQL
 * refuses the NUL character in text and in `jsonb`.
 *
 * @module
 */

/** What a column holds, read from its declared type. */
export type ColumnKind = "json" | "bytes" | "boolean" | "integer" | "float" | "text"

/** The kind of a column of declared type `type` (SQLite's or PostgreSQL's). */
export const kindOf = (type: string): ColumnKind => {
  const t = type.toLowerCase()
  if (t.includes("json")) return "json"
  if (t.includes("bytea") || t.includes("blob")) return "bytes"
  if (t.includes("bool")) return "boolean"
  if (t.includes("int")) return "integer"
  if (t.includes("double") || t.includes("real") || t.includes("float") || t.includes("numeric") || t.includes("decimal")) return "float"
  return "text"
}

const SPECIFIC: ReadonlyArray<ColumnKind> = ["json", "bytes", "boolean", "integer", "float"]

/** The kind of a column whose two sides declare `a` and `b`: the more specific one (SQLite's `TEXT` JSON is PostgreSQL's `jsonb`). */
export const mergeKinds = (a: ColumnKind, b: ColumnKind): ColumnKind =>
  SPECIFIC.find((kind) => kind === a || kind === b) ?? "text"

/** The value as the target dialect binds it into a column of kind `kind`. */
export const toTarget = (value: unknown, kind: ColumnKind, dialect: "sqlite" | "pg"): unknown => {
  if (value === null || value === undefined) return null
  switch (kind) {
    case "json":
      return typeof value === "string" ? value : JSON.stringify(value)
    case "boolean": {
      const truth = value === true || value === 1 || value === "1" || value === "t" || value === "true" || value === 1n
      return dialect === "pg" ? truth : truth ? 1 : 0
    }
    case "integer":
      if (dialect === "pg" || typeof value !== "string") return value
      return Number.isSafeInteger(Number(value)) ? Number(value) : BigInt(value)
    case "float":
      return typeof value === "string" ? Number(value) : value
    default:
      return value instanceof Date ? value.toISOString() : value
  }
}

const sortedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedKeys)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]))
  }
  return value
}

const parsed = (value: unknown): unknown => {
  if (typeof value !== "string") return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/** The value's canonical form in a column of kind `kind`: the same on both dialects for the same data. */
export const canonical = (value: unknown, kind: ColumnKind): unknown => {
  if (value === null || value === undefined) return null
  switch (kind) {
    case "json":
      return sortedKeys(parsed(value))
    case "bytes":
      return value instanceof Uint8Array ? `bytes:${Buffer.from(value).toString("base64")}` : String(value)
    case "boolean":
      return value === true || value === 1 || value === "1" || value === "t" || value === "true" || value === 1n
    case "integer":
      return typeof value === "number" && !Number.isInteger(value) ? String(value) : String(typeof value === "number" ? BigInt(value) : value)
    case "float":
      return Number(value)
    default:
      return value instanceof Date ? value.toISOString() : value
  }
}

const hasNul = (value: unknown): boolean => {
  if (typeof value === "string") return value.includes("\u0000")
  if (Array.isArray(value)) return value.some(hasNul)
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([key, inner]) => key.includes("\u0000") || hasNul(inner))
  }
  return false
}

/** True when PostgreSQL cannot store `value` in a column of kind `kind`: the NUL character in text or JSON. */
export const refusedByPostgres = (value: unknown, kind: ColumnKind): boolean => {
  if (typeof value !== "string") return kind === "json" && hasNul(value)
  if (kind === "json") return value.includes("\\u0000") && hasNul(parsed(value))
  return kind === "text" && value.includes("\u0000")
}
