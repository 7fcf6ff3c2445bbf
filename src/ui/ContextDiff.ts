/**
 * The difference between two JSON contexts, member by member: what was
 * added, removed or changed, each at its JSON path (`$.plan.steps[2]`).
 * Objects are compared key by key and arrays index by index; any other
 * value is compared whole.
 */
import * as Schema from "effect/Schema"

/** One difference between two contexts. */
export const ContextChange = Schema.Struct({
  path: Schema.String,
  kind: Schema.Literal("added", "removed", "changed"),
  before: Schema.optional(Schema.Unknown),
  after: Schema.optional(Schema.Unknown)
})
export type ContextChange = typeof ContextChange.Type

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

const member = (path: string, key: string) => IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`

const walk = (path: string, before: unknown, after: unknown, changes: Array<ContextChange>): void => {
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!Object.hasOwn(after, key)) changes.push({ path: member(path, key), kind: "removed", before: before[key] })
      else walk(member(path, key), before[key], after[key], changes)
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key)) changes.push({ path: member(path, key), kind: "added", after: after[key] })
    }
    return
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length)
    for (let i = 0; i < common; i++) walk(`${path}[${i}]`, before[i], after[i], changes)
    for (let i = common; i < before.length; i++) changes.push({ path: `${path}[${i}]`, kind: "removed", before: before[i] })
    for (let i = common; i < after.length; i++) changes.push({ path: `${path}[${i}]`, kind: "added", after: after[i] })
    return
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) changes.push({ path, kind: "changed", before, after })
}

/** Every difference from `before` to `after`, in document order; none when they are equal. */
export const diffContexts = (before: unknown, after: unknown): ReadonlyArray<ContextChange> => {
  const changes: Array<ContextChange> = []
  walk("$", before, after, changes)
  return changes
}
