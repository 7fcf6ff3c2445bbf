/** Small pieces every page uses: status badges, JSON blocks, load states, filter forms. */
import type { ComponentChildren } from "preact"
import { useLayoutEffect, useState } from "preact/hooks"
import type { Loaded } from "../live.js"
import { json } from "../format.js"
import { navigate } from "../router.js"

/** A coloured status word; errors stand out. */
export const Badge = ({ value }: { readonly value: string | null | undefined }) => (
  <span class={`badge badge-${value ?? "none"}`}>{value ?? "–"}</span>
)

/** A JSON value (or text) as preformatted text. */
export const JsonBlock = ({ value }: { readonly value: unknown }) => <pre class="json">{json(value)}</pre>

/** The User Timing mark set each time a page's data is first in the document (see {@link Load}). */
export const READY_MARK = "logbook:ready"

/**
 * Renders `loaded` with `view` once ready; a message while loading or after a
 * failure. When the data first reaches the document, before it is painted,
 * sets the {@link READY_MARK} performance mark, so that a page's first render
 * can be read from the browser's performance timeline.
 */
export const Load = <A,>({ loaded, children }: { readonly loaded: Loaded<A>; readonly children: (value: A) => ComponentChildren }) => {
  useLayoutEffect(() => {
    if (loaded.state === "ready") performance.mark(READY_MARK)
  }, [loaded.state])
  return loaded.state === "ready"
    ? <>{children(loaded.value)}</>
    : loaded.state === "failed"
    ? <p class="error" role="alert">{loaded.message}</p>
    : <p class="muted">Loading…</p>
}

/** One field of a filter form. */
export interface Field {
  readonly name: string
  readonly label: string
  readonly options?: ReadonlyArray<string>
  readonly placeholder?: string
  readonly type?: "text" | "datetime-local"
}

const toIso = (local: string) => {
  const date = new Date(local)
  return Number.isNaN(date.getTime()) ? local : date.toISOString()
}

const toLocal = (iso: string | null) => {
  if (iso === null || iso === "") return ""
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ""
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/**
 * A date-and-time field: a text field holding `YYYY-MM-DDTHH:MM` until the
 * user reaches it (pointer or keyboard), then the browser's date-time picker
 * with the same value. Chromium builds a picker's parts the first time a tab
 * shows one (50–150 ms on a fresh tab here), which would otherwise delay the
 * first render of every page with time filters.
 */
const TimeInput = ({ name, value }: { readonly name: string; readonly value: string }) => {
  const [picker, setPicker] = useState(false)
  const open = () => setPicker(true)
  return (
    <input
      name={name}
      type={picker ? "datetime-local" : "text"}
      placeholder="YYYY-MM-DDTHH:MM"
      value={value}
      onPointerDown={open}
      onFocus={open}
    />
  )
}

/** A filter form: submitting it moves to `parts` with the fields as the query. */
export const Filters = ({ parts, fields, query }: {
  readonly parts: ReadonlyArray<string>
  readonly fields: ReadonlyArray<Field>
  readonly query: URLSearchParams
}) => (
  <form
    class="filters"
    onSubmit={(event) => {
      event.preventDefault()
      const data = new FormData(event.currentTarget)
      const next: Record<string, string> = {}
      for (const field of fields) {
        const value = String(data.get(field.name) ?? "").trim()
        if (value !== "") next[field.name] = field.type === "datetime-local" ? toIso(value) : value
      }
      navigate(parts, next)
    }}
  >
    {fields.map((field) => (
      <label key={field.name}>
        <span>{field.label}</span>
        {field.options !== undefined
          ? (
            <select name={field.name} value={query.get(field.name) ?? ""}>
              <option value="">any</option>
              {field.options.map((option) => <option key={option} value={option}>{option}</option>)}
            </select>
          )
          : field.type === "datetime-local"
          ? <TimeInput name={field.name} value={toLocal(query.get(field.name))} />
          : <input name={field.name} type="text" placeholder={field.placeholder} value={query.get(field.name) ?? ""} />}
      </label>
    ))}
    <button type="submit">Filter</button>
  </form>
)
