/** The Lessons handler, over the LessonsStore. */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as Effect from "effect/Effect"
import { LessonsStore } from "../../LessonsStore.js"
import { UiApi } from "../Api.js"
import { HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN } from "../api/Lessons.js"

/** The Lessons group's handler. */
export const LessonsHandlers = HttpApiBuilder.group(UiApi, "lessons", (handlers) =>
  Effect.gen(function*() {
    const lessons = yield* LessonsStore
    return handlers.handle("search", ({ urlParams: p }) =>
      lessons.search({
        query: p.text,
        category: p.category,
        tags: p.tag === undefined || p.tag === "" ? undefined : [p.tag],
        projectId: p.project,
        limit: p.limit ?? 50,
        snippet: { open: HIGHLIGHT_OPEN, close: HIGHLIGHT_CLOSE, tokens: 24 }
      }).pipe(Effect.map((found) => ({ lessons: found }))))
  }))
