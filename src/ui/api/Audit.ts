/**
 * The Audit endpoints: the filtered audit table a page at a time, and its
 * export as CSV, JSON Lines or JSON through the audit exporter.
 */
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"
import { AuditCategory, AuditEntry } from "../../audit/AuditEntry.js"
import { PageSize } from "./Params.js"

/** The most entries one page of the audit table returns. */
export const MAX_AUDIT_PAGE = 1000

/** Filters of the audit table and its export; `since` / `until` are ISO-8601 instants. */
export const AuditFilterParams = {
  project: Schema.optional(Schema.String),
  task: Schema.optional(Schema.String),
  category: Schema.optional(AuditCategory),
  agent: Schema.optional(Schema.String),
  action: Schema.optional(Schema.String),
  since: Schema.optional(Schema.String),
  until: Schema.optional(Schema.String)
}

/** The audit table's filters and page. */
export const AuditParams = Schema.Struct({
  ...AuditFilterParams,
  limit: Schema.optional(PageSize(MAX_AUDIT_PAGE)),
  offset: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()))
})

/** An audit entry as the API sends it (`details` any JSON). */
export const AuditRowView = Schema.Struct({
  ...AuditEntry.fields,
  details: Schema.NullOr(Schema.Unknown)
})

/** A page of audit entries, newest first; `more` tells whether another page follows. */
export const AuditPage = Schema.Struct({
  entries: Schema.Array(AuditRowView),
  more: Schema.Boolean
})

/** The export formats. */
export const AuditExportFormat = Schema.Literal("csv", "jsonl", "json")

/** The export's filters and format. */
export const AuditExportParams = Schema.Struct({ ...AuditFilterParams, format: AuditExportFormat })

/** The Audit group. */
export class AuditGroup extends HttpApiGroup.make("audit")
  .add(HttpApiEndpoint.get("list", "/api/audit").setUrlParams(AuditParams).addSuccess(AuditPage))
  .add(
    HttpApiEndpoint.get("export", "/api/audit/export")
      .setUrlParams(AuditExportParams)
      .addSuccess(HttpApiSchema.Text({ contentType: "text/plain" }))
  )
{}
