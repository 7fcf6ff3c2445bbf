/** The Audit handlers, over the AuditLog and its exporter. */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { AuditLog } from "../../AuditLog.js"
import type { AuditQuery } from "../../audit/AuditQuery.js"
import { UiApi } from "../Api.js"

/** The audit table's page size when none is given. */
const DEFAULT_AUDIT_PAGE = 100

const CONTENT_TYPES = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  json: "application/json; charset=utf-8"
} as const

interface FilterParams {
  readonly project?: string | undefined
  readonly task?: string | undefined
  readonly category?: AuditQuery["category"]
  readonly agent?: string | undefined
  readonly action?: string | undefined
  readonly since?: string | undefined
  readonly until?: string | undefined
}

const toQuery = (p: FilterParams): AuditQuery => ({
  projectId: p.project,
  taskId: p.task,
  category: p.category,
  agent: p.agent,
  action: p.action,
  since: p.since,
  until: p.until
})

/** The Audit group's handlers. */
export const AuditHandlers = HttpApiBuilder.group(UiApi, "audit", (handlers) =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    return handlers
      .handle("list", ({ urlParams: p }) => {
        const limit = p.limit ?? DEFAULT_AUDIT_PAGE
        return audit.query({ ...toQuery(p), limit: limit + 1, offset: p.offset ?? 0 }).pipe(
          Effect.map((entries) => ({ entries: entries.slice(0, limit), more: entries.length > limit }))
        )
      })
      .handleRaw("export", ({ urlParams: p }) =>
        // Invalid filters fail here, as a 400, before the streamed body starts.
        Effect.as(
          audit.query({ ...toQuery(p), limit: 1 }),
          HttpServerResponse.stream(Stream.encodeText(audit.exportStream(toQuery(p), p.format)), {
            contentType: CONTENT_TYPES[p.format],
            headers: { "content-disposition": `attachment; filename="audit.${p.format}"` }
          })
        ))
  }))
