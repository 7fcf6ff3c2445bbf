/**
 * The JSON fields of the agent registry as callers hand them over:
 * configuration and metadata objects, and log content of any JSON shape.
 */
import * as Schema from "effect/Schema"
import { jsonIssues, JsonObjectFromSelf } from "../records/JsonDocument.js"

const problems = (value: unknown): string | undefined => {
  const issues = jsonIssues(value, "")
  return issues.length === 0
    ? undefined
    : issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`)).join("; ")
}

/** A plain object that `JSON.stringify` writes faithfully. */
export const JsonObjectInput = JsonObjectFromSelf.pipe(
  Schema.filter(problems, { identifier: "JsonObjectInput", description: "a JSON object" })
)

/** Any JSON value (not `undefined`) that `JSON.stringify` writes faithfully. */
export const JsonValueInput = Schema.Unknown.pipe(
  Schema.filter((value) => (value === undefined ? "expected a JSON value, got undefined" : problems(value)), {
    identifier: "JsonValueInput",
    description: "a JSON value"
  })
)

/** A stored JSON object, read back from its JSON text. */
export const StoredJsonObject = Schema.parseJson(JsonObjectFromSelf)
