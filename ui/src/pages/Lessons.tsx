/** The Lessons page: search with highlighted snippets, by category and tag. */
import { api } from "../api.js"
import { Badge, Filters, Load } from "../components/Common.js"
import { Highlighted } from "../components/Highlighted.js"
import { useLoad } from "../live.js"
import { href, type Route } from "../router.js"

/** The snippet markers the API uses (`src/ui/api/Lessons.ts`). */
const OPEN = "\uE000"
const CLOSE = "\uE001"

const FIELDS = [
  { name: "text", label: "Search", placeholder: "words in title, summary, details" },
  { name: "category", label: "Category", options: ["bug", "pattern", "preference", "security", "performance"] },
  { name: "tag", label: "Tag" },
  { name: "project", label: "Project" }
] as const

export const LessonsPage = ({ route }: { readonly route: Route }) => {
  const params = Object.fromEntries(route.query)
  const loaded = useLoad(route.query.toString(), () => api.lessons(params))
  return (
    <section>
      <h1>Lessons</h1>
      <Filters parts={["lessons"]} fields={FIELDS} query={route.query} />
      <Load loaded={loaded}>
        {({ lessons }) => (
          <ul class="lessons" id="lessons">
            {lessons.length === 0 && <li class="muted">No lesson matches.</li>}
            {lessons.map((lesson) => (
              <li key={lesson.id}>
                <h3>{lesson.title} <Badge value={lesson.category} /></h3>
                <p><Highlighted text={lesson.snippet} open={OPEN} close={CLOSE} /></p>
                <p class="muted">
                  {lesson.summary} · applied {lesson.applicationCount}× · confidence {lesson.confidence}
                  {lesson.sourceAgent !== undefined && <> · from {lesson.sourceAgent}</>}
                </p>
                <p>{lesson.tags.map((tag) => <a key={tag} class="tag" href={href(["lessons"], { tag })}>{tag}</a>)}</p>
              </li>
            ))}
          </ul>
        )}
      </Load>
    </section>
  )
}
