/**
 * Closed sets of literals (permission modes, statuses, roles, types) whose
 * failure is one message naming every allowed value, also when optional.
 */
import * as Schema from "effect/Schema"

const describe = (literals: ReadonlyArray<string>): string => {
  const quoted = literals.map((literal) => JSON.stringify(literal))
  return `expected ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`}`
}

/** One of `literals`. */
export const choice = <const L extends readonly [string, ...Array<string>]>(...literals: L) =>
  Schema.Literal(...literals).annotations({ message: () => ({ message: describe(literals), override: true }) })

/** An optional field holding one of the literals of `schema` (`undefined` counts as absent). */
export const optionalChoice = <const L extends readonly [string, ...Array<string>]>(schema: Schema.Literal<L>) =>
  Schema.optionalWith(Schema.UndefinedOr(schema).annotations({ message: () => ({ message: describe(schema.literals), override: true }) }), { exact: true })
