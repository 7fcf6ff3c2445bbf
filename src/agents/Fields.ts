/**
 * Field schemas whose failures read as one message each: closed sets of
 * literals (permission modes, statuses, roles, types) name every allowed
 * value, and an optional field reports what is wrong with its value, without
 * a second "expected undefined" for the absent case; and structs refuse
 * unknown keys.
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

const describe = (literals: ReadonlyArray<string>): string => {
  const quoted = literals.map((literal) => JSON.stringify(literal))
  return `expected ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`}`
}

/** Struct annotations: unknown keys are an error, so that a misspelt field is never dropped silently. */
export const strict = { parseOptions: { onExcessProperty: "error" } } as const

/** One of `literals`. */
export const choice = <const L extends readonly [string, ...Array<string>]>(...literals: L) =>
  Schema.Literal(...literals).annotations({ message: () => ({ message: describe(literals), override: true }) })

const isIssueList = (
  issues: ParseResult.ParseIssue | ReadonlyArray<ParseResult.ParseIssue>
): issues is ReadonlyArray<ParseResult.ParseIssue> => Array.isArray(issues)

/** The messages of the issues of a value that is present, leaving out "expected undefined". */
const presentMessage = (issue: ParseResult.ParseIssue): string | undefined => {
  if (issue._tag !== "Composite") return undefined
  const members: ReadonlyArray<ParseResult.ParseIssue> = isIssueList(issue.issues) ? issue.issues : [issue.issues]
  const present = members.filter((member) => !(member._tag === "Type" && AST.isUndefinedKeyword(member.ast)))
  return present.flatMap((member) => ParseResult.ArrayFormatter.formatIssueSync(member)).map((formatted) =>
    formatted.path.length === 0 ? formatted.message : `${formatted.path.join(".")}: ${formatted.message}`
  ).join("; ")
}

/** An optional field: absent or `undefined`, else a valid `schema`. */
export const optional = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.optionalWith(
    Schema.UndefinedOr(schema).annotations({
      message: (issue) => {
        const message = presentMessage(issue)
        return message === undefined || message === "" ? ParseResult.TreeFormatter.formatIssueSync(issue) : { message, override: true }
      }
    }),
    { exact: true }
  )
