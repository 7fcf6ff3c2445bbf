/**
 * Field paths outside `where` filters (`orderBy`, `stats`): the same strict
 * grammar as `where` paths, checked by the `where` path check itself so that
 * there is one grammar.
 */
import * as Either from "effect/Either"
import type { ValidationIssue } from "../Errors.js"
import { toJsonPath as whereJsonPath } from "./Where.js"

/**
 * The SQLite JSON path (`$.plan.agents[0]`) of a field path (`plan.agents[0]`):
 * dot-separated names `[A-Za-z_][A-Za-z0-9_]*`, each with optional `[N]`
 * indexes. Anything else is an issue at `at`. The result is only ever bound
 * as a parameter.
 */
export const toJsonPath = (path: unknown, at: string): Either.Either<string, ValidationIssue> => {
  if (typeof path !== "string") return Either.left({ path: at, message: "expected a field path string" })
  return Either.mapLeft(whereJsonPath(path), (invalid) => ({ path: at, message: invalid.message.replace(/^where: /, "") }))
}
