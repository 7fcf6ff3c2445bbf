/**
 * The one check that a value is JSON as a store keeps it, shared by every
 * store: where a value stops being what `JSON.stringify` writes and
 * `JSON.parse` reads back unchanged. Nesting depth and text (lone
 * surrogates) are checked before it, once for every store
 * (`Validation.checkStoredInput`).
 *
 * @module
 */

/** Where a value stops being JSON (the keys and indexes down to it), and why. */
export interface JsonIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** How strict the check is, and how many issues it lists. */
export interface JsonRules {
  /**
   * `exact` (the default): only plain objects (`{...}`, `Object.create(null)`)
   * and arrays, so the value reads back as it was given. `stringify`: what
   * `JSON.stringify` writes faithfully: an object with a `toJSON` method
   * (`Date`...) counts as what that returns, another object as its own
   * enumerable members, and a hole of an array is skipped; a `Map` or a
   * `Set`, which would be written as `{}`, is refused.
   */
  readonly objects?: "exact" | "stringify"
  /** Issues listed at most; the walk stops there (default 20). */
  readonly maxIssues?: number
}

const describe = (value: unknown): string => {
  if (typeof value !== "object" || value === null) return `a ${typeof value}`
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object that is not a plain object"
}

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * The places where `value` is not JSON, empty when it is: `null`, booleans,
 * finite numbers, strings, arrays and objects of JSON values (which objects,
 * see {@link JsonRules}). An object member that is `undefined` is allowed
 * (it is left out, as `JSON.stringify` does); `undefined` elsewhere, `NaN`,
 * infinities, `bigint`, functions, symbols and cycles are not. Messages name
 * the kind of value, never the value itself.
 */
export const jsonIssues = (root: unknown, rules: JsonRules = {}): ReadonlyArray<JsonIssue> => {
  const stringify = rules.objects === "stringify"
  const maxIssues = rules.maxIssues ?? 20
  const issues: Array<JsonIssue> = []
  const ancestors = new Set<object>()
  // One path, pushed and popped along the walk; an issue takes a copy.
  const path: Array<string | number> = []
  const issue = (message: string) => issues.push({ path: [...path], message })
  const visitAt = (key: string | number, value: unknown, member: boolean): void => {
    path.push(key)
    visit(value, member)
    path.pop()
  }
  const visit = (value: unknown, member: boolean): void => {
    if (issues.length >= maxIssues) return
    switch (typeof value) {
      case "string":
      case "boolean":
        return
      case "number":
        if (!Number.isFinite(value)) issue(`${value} is not a JSON number`)
        return
      case "undefined":
        if (!member) issue("undefined is not JSON (only an object member may be undefined)")
        return
      case "object":
        break
      default:
        issue(`${describe(value)} is not JSON`)
        return
    }
    if (value === null) return
    if (ancestors.has(value)) {
      issue("a circular reference is not JSON")
      return
    }
    ancestors.add(value)
    try {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (stringify && !(i in value)) continue
          visitAt(i, value[i], false)
        }
        return
      }
      if (value instanceof Map || value instanceof Set) {
        issue(`${describe(value)} is not JSON (convert it to an object or an array)`)
        return
      }
      if (!stringify && !isPlainObject(value)) {
        issue(`${describe(value)} is not JSON`)
        return
      }
      const toJSON: unknown = stringify && "toJSON" in value ? value.toJSON : undefined
      if (typeof toJSON === "function") {
        const json: unknown = toJSON.call(value, "")
        if (json !== value) return visit(json, member)
      }
      for (const [key, item] of Object.entries(value)) visitAt(key, item, true)
    } finally {
      ancestors.delete(value)
    }
  }
  visit(root, false)
  return issues
}
