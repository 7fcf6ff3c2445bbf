/**
 * A run's timeline: one bar per invocation and LLM call, and a tick per
 * event, placed by time from the run's start; failures in red.
 */
import type { RunDetailJson } from "../api.js"
import { duration } from "../format.js"

interface Row {
  readonly key: string
  readonly kind: "invocation" | "llm" | "event"
  readonly label: string
  readonly start: number
  readonly end: number
  readonly failed: boolean
  readonly title: string
}

const ms = (iso: string | undefined): number => (iso === undefined ? Number.NaN : new Date(iso).getTime())

const rowsOf = (detail: RunDetailJson): ReadonlyArray<Row> => [
  ...detail.invocations.map((inv): Row => ({
    key: `i${inv.id}`,
    kind: "invocation",
    label: inv.agent,
    start: ms(inv.startedAt),
    end: inv.completedAt === undefined ? ms(inv.startedAt) : ms(inv.completedAt),
    failed: inv.outcome === "failure" || inv.error !== undefined,
    title: `${inv.agent}: ${inv.outcome ?? "running"}`
  })),
  ...detail.llmCalls.map((call): Row => {
    const end = ms(call.timestamp)
    return {
      key: `l${call.id}`,
      kind: "llm",
      label: `${call.agent ?? "llm"} · ${call.model}`,
      start: end - (call.latencyMs ?? 0),
      end,
      failed: call.status === "error",
      title: `${call.model}: ${call.totalTokens} tokens, ${duration(call.latencyMs)}`
    }
  }),
  ...detail.events.map((event): Row => ({
    key: `e${event.id}`,
    kind: "event",
    label: event.type,
    start: ms(event.timestamp),
    end: ms(event.timestamp),
    failed: /error|fail/i.test(event.type),
    title: event.type
  }))
].filter((row) => !Number.isNaN(row.start)).sort((a, b) => a.start - b.start || a.key.localeCompare(b.key))

/** The waterfall of a run. */
export const Waterfall = ({ detail }: { readonly detail: RunDetailJson }) => {
  const rows = rowsOf(detail)
  const start = Math.min(ms(detail.run.startedAt), ...rows.map((r) => r.start))
  const end = Math.max(
    detail.run.completedAt === undefined ? Date.now() : ms(detail.run.completedAt),
    ...rows.map((r) => r.end)
  )
  const span = Math.max(1, end - start)
  return (
    <div class="waterfall" role="list">
      {rows.map((row) => (
        <div key={row.key} class={`wf-row wf-${row.kind}${row.failed ? " wf-failed" : ""}`} role="listitem">
          <span class="wf-label" title={row.title}>{row.label}</span>
          <span class="wf-track">
            <span
              class="wf-bar"
              ref={(el) => {
                if (el === null) return
                el.style.left = `${((row.start - start) / span) * 100}%`
                el.style.width = row.kind === "event" ? "2px" : `${Math.max(0.5, ((row.end - row.start) / span) * 100)}%`
              }}
            />
          </span>
          <span class="wf-time">+{duration(row.start - start)}</span>
        </div>
      ))}
    </div>
  )
}
