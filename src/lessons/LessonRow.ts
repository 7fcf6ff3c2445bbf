/**
 * The `lessons` table's rows and their decoding into {@link Lesson} and
 * {@link LessonHit}: by schema, and for a search's page in plain code where
 * its rows have the shape SQLite returns for well-formed stored lessons.
 *
 * @module
 */
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Json, Num, Stamp } from "../database/Columns.js"
import { decodeCommonRows, DECLINED, decodeRows, isNullableText, parsedJson } from "../database/Rows.js"
import { isLessonCategory, Lesson, LessonCategory, LessonHit } from "./Lesson.js"

/** A row of `lessons` as either driver returns it. */
export const LessonRow = Schema.Struct({
  id: Schema.String,
  project_id: Schema.NullOr(Schema.String),
  category: LessonCategory,
  title: Schema.String,
  summary: Schema.String,
  details: Schema.NullOr(Schema.String),
  tags: Json(Schema.Array(Schema.String)),
  source_agent: Schema.NullOr(Schema.String),
  source_file: Schema.NullOr(Schema.String),
  confidence: Num,
  application_count: Num,
  created_at: Stamp,
  updated_at: Stamp
})
type LessonRowType = typeof LessonRow.Type

const toLesson = (row: LessonRowType): Lesson => ({
  id: row.id,
  projectId: row.project_id,
  category: row.category,
  title: row.title,
  summary: row.summary,
  ...(row.details === null ? {} : { details: row.details }),
  tags: row.tags,
  ...(row.source_agent === null ? {} : { sourceAgent: row.source_agent }),
  ...(row.source_file === null ? {} : { sourceFile: row.source_file }),
  confidence: row.confidence,
  applicationCount: row.application_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at
})

const fromLesson = (lesson: Lesson): LessonRowType => ({
  id: lesson.id,
  project_id: lesson.projectId,
  category: lesson.category,
  title: lesson.title,
  summary: lesson.summary,
  details: lesson.details ?? null,
  tags: lesson.tags,
  source_agent: lesson.sourceAgent ?? null,
  source_file: lesson.sourceFile ?? null,
  confidence: lesson.confidence,
  application_count: lesson.applicationCount,
  created_at: lesson.createdAt,
  updated_at: lesson.updatedAt
})

/** Decodes a `lessons` row into a {@link Lesson}. */
export const LessonFromRow = Schema.transform(LessonRow, Lesson, {
  strict: true,
  decode: toLesson,
  encode: fromLesson
})

/** A search row: a `lessons` row with the `hit_rank` and `hit_snippet` the search computed. */
export const LessonHitRow = Schema.Struct({
  ...LessonRow.fields,
  hit_rank: Num,
  hit_snippet: Schema.String
})

/** Decodes a search row into a {@link LessonHit}. */
export const LessonHitFromRow = Schema.transform(LessonHitRow, LessonHit, {
  strict: true,
  decode: (row) => ({ ...toLesson(row), rank: row.hit_rank, snippet: row.hit_snippet }),
  encode: ({ rank, snippet, ...lesson }) => ({ ...fromLesson(lesson), hit_rank: rank, hit_snippet: snippet })
})

/** A `tags` column: JSON text of an array of strings, or {@link DECLINED}. */
const commonTags = (value: unknown): ReadonlyArray<string> | typeof DECLINED => {
  const parsed = parsedJson(value)
  return Array.isArray(parsed) && parsed.every((tag) => typeof tag === "string") ? parsed : DECLINED
}

/** A search row as SQLite returns a well-formed one, as {@link LessonHitFromRow} decodes it; anything else is declined. */
const commonHit = (row: Readonly<Record<string, unknown>>): LessonHit | typeof DECLINED => {
  const {
    application_count,
    category,
    confidence,
    created_at,
    details,
    hit_rank,
    hit_snippet,
    id,
    project_id,
    source_agent,
    source_file,
    summary,
    title,
    updated_at
  } = row
  if (
    typeof id !== "string" || !isNullableText(project_id) || !isLessonCategory(category) || typeof title !== "string" ||
    typeof summary !== "string" || !isNullableText(details) || !isNullableText(source_agent) ||
    !isNullableText(source_file) || typeof confidence !== "number" || typeof application_count !== "number" ||
    typeof created_at !== "string" || typeof updated_at !== "string" || typeof hit_rank !== "number" ||
    typeof hit_snippet !== "string"
  ) return DECLINED
  const tags = commonTags(row.tags)
  if (tags === DECLINED) return DECLINED
  return {
    id,
    projectId: project_id,
    category,
    title,
    summary,
    ...(details === null ? {} : { details }),
    tags,
    ...(source_agent === null ? {} : { sourceAgent: source_agent }),
    ...(source_file === null ? {} : { sourceFile: source_file }),
    confidence,
    applicationCount: application_count,
    createdAt: created_at,
    updatedAt: updated_at,
    rank: hit_rank,
    snippet: hit_snippet
  }
}

/**
 * A search's page of rows decoded to hits, as {@link LessonHitFromRow}
 * decodes each: rows as SQLite returns well-formed ones are read in plain
 * code; a page with any other row (PostgreSQL's, or a stored row the schema
 * refuses) goes through the schema, which decides and reports.
 */
export const decodeHits: (rows: unknown) => Either.Either<ReadonlyArray<LessonHit>, ParseResult.ParseError> =
  decodeCommonRows(commonHit, decodeRows(LessonHitFromRow))
