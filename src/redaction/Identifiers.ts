/**
 * Routing a store's identifiers through the Redactor: a copy of an input
 * object whose named string fields are redacted as identifiers (a stable,
 * keyed placeholder per secret, so filters given the same text still match).
 */
import type { RedactorService } from "./Redactor.js"

/**
 * `value` with each string field named in `fields` passed through
 * `redactIdentifier`; the very same value when it is not a plain object or
 * nothing changed (validation then sees the caller's input as given).
 */
export const withIdentifiers = <A>(redactor: RedactorService, value: A, fields: ReadonlyArray<string>): A => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value
  const record = value as Readonly<Record<string, unknown>>
  let out: Record<string, unknown> | undefined
  for (const field of fields) {
    const text = record[field]
    if (typeof text !== "string") continue
    const redacted = redactor.redactIdentifier(text)
    if (redacted === text) continue
    out ??= { ...record }
    out[field] = redacted
  }
  return (out ?? value) as A
}

/** `values` with `withIdentifiers` applied to each element; the same array when nothing changed. */
export const eachWithIdentifiers = <A>(redactor: RedactorService, values: A, fields: ReadonlyArray<string>): A => {
  if (!Array.isArray(values)) return values
  const mapped = values.map((v) => withIdentifiers(redactor, v, fields))
  return (mapped.every((v, i) => v === values[i]) ? values : mapped) as A
}
