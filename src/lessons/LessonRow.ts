/**
 * The `lessons` table's rows and their decoding into {@link Lesson} and
 * {@link LessonHit}.
 *
 * @module
 */
import * as Schema from "effect/Schema"
import { Json, Num, Stamp } from "../database/Columns.js"
import { Lesson, LessonCategory, LessonHit } from "./Lesson.js"

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
