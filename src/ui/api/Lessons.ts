/**
 * The Lessons endpoint: lessons found by text, category and tag, with
 * highlighted snippets.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as Schema from "effect/Schema"
import { LessonCategory, LessonHit } from "../../lessons/Lesson.js"
import { PageSize } from "./Params.js"

/** Marks the start of a matched word in a snippet (a private-use character, never HTML). */
export const HIGHLIGHT_OPEN = "\uE000"
/** Marks the end of a matched word in a snippet. */
export const HIGHLIGHT_CLOSE = "\uE001"

/** What to search for: plain text (every word as a prefix), a category, a tag. */
export const LessonsParams = Schema.Struct({
  text: Schema.optional(Schema.String),
  category: Schema.optional(LessonCategory),
  tag: Schema.optional(Schema.String),
  project: Schema.optional(Schema.String),
  limit: Schema.optional(PageSize(500))
})

/** Lessons found, best first; each snippet's matched words sit between {@link HIGHLIGHT_OPEN} and {@link HIGHLIGHT_CLOSE}. */
export const LessonList = Schema.Struct({ lessons: Schema.Array(LessonHit) })

/** The Lessons group. */
export class LessonsGroup extends HttpApiGroup.make("lessons")
  .add(HttpApiEndpoint.get("search", "/api/lessons").setUrlParams(LessonsParams).addSuccess(LessonList))
{}
