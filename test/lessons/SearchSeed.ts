/** The four lessons the search specs look for, created a millisecond apart (on SQLite and on PostgreSQL). */
import * as Effect from "effect/Effect"
import type { LessonInput } from "../../src/lessons/Lesson.js"
import { LessonsStore } from "../../src/LessonsStore.js"
import { nextMillisecond } from "../support/Poll.js"

/** Creates the four lessons; returns the store and each created lesson by name. */
export const seedSearchLessons = Effect.gen(function*() {
  const store = yield* LessonsStore
  const make = (input: LessonInput) => Effect.zipLeft(store.create(input), nextMillisecond)
  return {
    store,
    react: yield* make({ category: "pattern", title: "React hooks pattern", summary: "Use custom hooks for shared logic", tags: ["react", "typescript"] }),
    state: yield* make({ category: "bug", title: "React state bug", summary: "State updates are async", projectId: "web", tags: ["react"] }),
    multi: yield* make({ category: "pattern", title: "Multi agent orchestration", summary: "Split work between a planner and builders", projectId: "api", tags: ["agents"] }),
    dont: yield* make({ category: "preference", title: "Don't repeat yourself", summary: "Extract a function after the third copy", projectId: "web", tags: ["style", "type"] })
  }
})
