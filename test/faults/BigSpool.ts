/** Writes a spool file of audit records of about `bytes` bytes, as a dead process would leave it; returns the record count. */
import { randomUUID } from "node:crypto"
import { closeSync, openSync, writeSync } from "node:fs"

export const writeBigSpool = (database: string, bytes: number, recordBytes = 8_192): number => {
  const fd = openSync(`${database}.spool-${randomUUID()}.jsonl`, "w")
  const pad = "p".repeat(recordBytes)
  let written = 0
  let records = 0
  try {
    while (written < bytes) {
      const lines: Array<string> = []
      for (let i = 0; i < 128; i++) {
        records++
        lines.push(JSON.stringify({
          kind: "audit",
          key: randomUUID(),
          value: {
            timestamp: new Date(1_700_000_000_000 + records).toISOString(),
            projectId: "big",
            taskId: null,
            agent: null,
            action: "replayed",
            category: "agent",
            details: JSON.stringify({ n: records, pad }),
            userId: null,
            ipAddress: null
          }
        }))
      }
      const chunk = Buffer.from(lines.join("\n") + "\n")
      writeSync(fd, chunk)
      written += chunk.length
    }
  } finally {
    closeSync(fd)
  }
  return records
}
