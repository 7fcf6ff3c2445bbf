/**
 * The write-behind sink of `AuditLog.record`: batches of validated, redacted
 * {@link AuditRecord}s inserted once each, keyed by their record key.
 *
 * Imports nothing from `AuditLog.ts`: the write-behind registry imports sinks.
 *
 * @module
 */
import type { RecordSink } from "../writeBehind/RecordSink.js"
import { AuditRecord } from "./AuditRecord.js"
import { writeEntries } from "./insertEntries.js"

/** Writes batches of recorded audit entries; a key already stored is skipped. */
export const AuditSink: RecordSink<AuditRecord, typeof AuditRecord.Encoded> = {
  kind: "audit",
  schema: AuditRecord,
  write: (batch) => writeEntries(batch.map(({ key, value }) => ({ key, record: value })))
}
